"""The suite's one document (gateway.domain.api_documents): each service's paths under its prefix,
its names prefixed so two services' schemas of one name never clash, every reference following."""

from __future__ import annotations

from openapi_spec_validator import validate

from gateway.domain.api_documents import combined


def _document(title: str, schema: str) -> dict:
    return {
        "openapi": "3.0.3", "info": {"title": title, "version": "v1"}, "tags": [{"name": "things"}],
        "paths": {"/api/v1/things": {"get": {
            "operationId": "list_things", "tags": ["things"],
            "responses": {"200": {"description": "ok", "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"}}}}}}}},
        "components": {"schemas": {schema: {"type": "object", "properties": {
            "child": {"$ref": f"#/components/schemas/{schema}Child"}}}, f"{schema}Child": {"type": "object"}}},
    }


def test_two_services_schemas_of_one_name_do_not_clash_and_paths_are_under_their_prefix():
    merged = combined({"owners": ("/owners/", _document("owners", "Page")),
                       "tickets": ("/tickets/", _document("tickets", "Page"))})
    assert set(merged["paths"]) == {"/owners/api/v1/things", "/tickets/api/v1/things"}
    assert {"OwnersPage", "TicketsPage", "OwnersPageChild", "TicketsPageChild"} <= set(merged["components"]["schemas"])
    operation = merged["paths"]["/tickets/api/v1/things"]["get"]
    assert operation["operationId"] == "tickets_list_things" and operation["tags"] == ["tickets: things"]
    ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/TicketsPage"
    assert merged["components"]["schemas"]["TicketsPage"]["properties"]["child"]["$ref"].endswith("TicketsPageChild")
    validate(merged)


def test_a_service_whose_document_could_not_be_had_is_named_not_silently_left_out():
    merged = combined({"owners": ("/owners/", _document("owners", "Page"))}, missing={"notify": "ConnectError"})
    assert "notify: ConnectError" in merged["info"]["description"]
