"""The committed OpenAPI document (contracts/openapi.json) is the one the app generates, and every
ticket operation says who may call it and what it answers."""

from __future__ import annotations

from servicekit import openapi
from servicekit.openapi import render
from tickets.service import SERVICE


def test_the_committed_document_is_what_the_app_generates() -> None:
    assert openapi.contract_path(SERVICE).read_text(encoding="utf-8") == render(openapi.openapi_document(SERVICE)), (
        "contracts/openapi.json is stale: run `tickets openapi` and commit the result")


def test_every_step_of_the_procedure_is_an_operation_with_a_summary_and_its_problems() -> None:
    paths = openapi.openapi_document(SERVICE)["paths"]
    steps = ["acknowledge", "dispatch", "reassign", "arrive", "explain", "escalate", "resolve", "inform-owner",
             "evaluate", "archive", "reopen", "merge", "cancel", "pause", "resume"]
    for step in steps:
        operation = paths[f"/api/v1/tickets/{{ticket_id}}/{step}"]["post"]
        assert operation["summary"] and "200" in operation["responses"], step
    created = paths["/api/v1/tickets"]["post"]
    assert {"200", "201"} <= set(created["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in created["parameters"])
