"""The notify events contract beside the generic checks: every ``notify.notice.*`` event but
``completed`` carries the whole notice, exactly as ``notice_payload`` makes it; and the AsyncAPI
document names the queue notify consumes from with every type its consumer has a handler for or binds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from notify.service import SERVICE

ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "services" / "notify" / "contracts" / "events"
NOTICE_SCHEMAS = sorted(p for p in EVENTS.glob("notify.notice.*.json") if p.stem != "notify.notice.completed.v1")


def test_the_notice_events_have_their_schemas() -> None:
    assert {p.stem for p in NOTICE_SCHEMAS} == {
        "notify.notice.scheduled.v1", "notify.notice.started.v1", "notify.notice.paused.v1",
        "notify.notice.resumed.v1", "notify.notice.cancelled.v1", "notify.notice.resent.v1"}


@pytest.mark.parametrize("path", NOTICE_SCHEMAS, ids=[p.stem for p in NOTICE_SCHEMAS])
def test_every_notice_event_schema_carries_the_whole_notice(path: Path, contracts) -> None:
    from notify.events import notice_payload
    row = {"id": uuid.uuid4(), "estate_id": uuid.uuid4(), "purpose": "fee", "urgent": False, "title": "t",
           "channels": ["sms"], "status": "scheduled", "send_at": datetime(2026, 12, 5, tzinfo=UTC),
           "series_id": None, "recipients_count": 0, "estimated_segments": 1, "estimated_cost_fen": 5, "version": 1}
    fields = set(notice_payload(row))
    schema = contracts.validator(path).schema
    assert "notice" in schema["required"], f"{path.stem}: data.notice is not required"
    assert set(schema["properties"]["notice"]["required"]) <= fields, f"{path.stem}: requires a field never sent"
    for example in schema["examples"]:
        assert set(example["notice"]) == fields, f"{path.stem}: {sorted(set(example['notice']) ^ fields)}"


def test_the_asyncapi_document_names_every_type_notify_consumes(contracts) -> None:
    _inbox, named = contracts.inbox_types("notify")
    assert named == set(SERVICE.consumes)
    receive = [op for op in contracts.asyncapi("notify")["operations"].values() if op["action"] == "receive"]
    assert len(receive) == 1 and receive[0]["channel"]["$ref"].endswith("/notifyInbox")
