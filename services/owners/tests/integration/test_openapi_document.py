"""The committed OpenAPI document (contracts/openapi.json) is the one the app generates (X-4); it reads
that file, so it is not a unit test."""

from __future__ import annotations

import json
from functools import partial

from owners.cli import main
from owners.service import SERVICE
from servicekit import openapi
from servicekit.openapi import render

CONTRACT = openapi.contract_path(SERVICE)
openapi_document = partial(openapi.openapi_document, SERVICE)


def test_the_committed_document_is_what_the_app_generates():
    generated = render(openapi_document())
    assert CONTRACT.read_text(encoding="utf-8") == generated, (
        "contracts/openapi.json is stale: run `owners openapi` and commit the result")


def test_the_owners_openapi_command_writes_the_document(tmp_path):
    target = tmp_path / "openapi.json"
    assert main(["openapi", "--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8")) == openapi_document()


def test_every_api_operation_needs_a_bearer_token_and_documents_its_answers():
    document = openapi_document()
    assert document["security"] == [{"bearer": []}]
    operations = [(path, method, op) for path, item in document["paths"].items() if path.startswith("/api/v1/")
                  for method, op in item.items() if method in {"get", "post", "put", "patch", "delete"}]
    assert len(operations) >= 30
    for path, method, op in operations:
        assert "security" not in op or op["security"], (path, method)
        assert any(code.startswith("2") for code in op["responses"]), (path, method)
        assert op.get("summary"), f"{method.upper()} {path} has no summary (the view's docstring)"


def test_the_document_is_valid_openapi_and_documents_errors_as_problem_details():
    from openapi_spec_validator import validate

    document = openapi_document()
    validate(document)
    for name, response in document["components"]["responses"].items():
        assert list(response["content"]) == ["application/problem+json"], name
    area = document["components"]["schemas"]["Unit"]["properties"]["area_m2"]
    assert {branch["type"] for branch in area["anyOf"]} == {"string", "number"}  # sent as "89.50"
