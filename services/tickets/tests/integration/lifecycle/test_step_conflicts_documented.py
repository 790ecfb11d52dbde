"""Every step of the procedure documents its 409 (issue 15): a step the ticket's stage does not allow
is answered 409 naming the allowed steps, and a client generated from the document must expect it."""

from __future__ import annotations

import re

from servicekit import openapi
from tickets.service import SERVICE

STEP = re.compile(r"^/api/v1/tickets/\{ticket_id\}/[a-z-]+$")


def test_every_step_endpoint_lists_its_409_as_a_problem() -> None:
    paths = openapi.openapi_document(SERVICE)["paths"]
    steps = {path: item["post"] for path, item in paths.items()  # the procedure's steps, not attachments
             if STEP.match(path) and "post" in item and item["post"]["tags"] == ["tickets"]}
    assert len(steps) >= 15
    for path, operation in steps.items():
        conflict = operation["responses"].get("409")
        assert conflict, f"{path} does not document its 409"
        assert "allowed_actions" in conflict["description"]
        assert list(conflict["content"]) == ["application/problem+json"], path
