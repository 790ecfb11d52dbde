"""The CloudEvents envelope: what parses, what is refused, and what survives a round trip."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from servicekit.envelope import CONTENT_TYPE, InvalidEvent, new_event, parse

TYPE = "tickets.ticket.opened.v1"


def valid_body(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "specversion": "1.0",
        "id": "9b2f6a2e-0d7b-4c1e-9d8e-3f1d2c4b5a69",
        "source": "tickets",
        "type": TYPE,
        "time": "2026-03-01T08:30:00.123456Z",
        "datacontenttype": "application/json",
        "data": {"ticket_id": 7},
    }
    body.update(changes)
    return body


def test_a_new_event_survives_the_round_trip_through_json() -> None:
    event = new_event(TYPE, "tickets", {"ticket_id": 7}, subject="tickets/7", correlationid="c-1",
                      traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")

    assert parse(event.to_json()) == event
    assert event.dedup_key == ("tickets", event.id)


def test_time_in_the_body_is_utc_with_a_z() -> None:
    body = json.loads(new_event(TYPE, "tickets", {}).to_json())

    assert body["time"].endswith("Z")
    assert parse(json.dumps(valid_body())).time == datetime(2026, 3, 1, 8, 30, 0, 123456, tzinfo=UTC)


def test_unknown_attributes_and_unknown_data_fields_are_tolerated() -> None:
    event = parse(json.dumps(valid_body(newattribute="x", data={"ticket_id": 7, "added_later": True})))

    assert event.data == {"ticket_id": 7, "added_later": True}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({k: v for k, v in valid_body().items() if k != "id"}).encode(), "missing attributes: id"),
        (json.dumps(valid_body(type="TicketOpened")).encode(), "is not <service>.<entity>.<verb>.v<N>"),
        (json.dumps(valid_body(type="tickets.ticket.opened.v0")).encode(), "is not <service>"),
        (json.dumps(valid_body(specversion="0.3")).encode(), "specversion"),
        (json.dumps(valid_body(source="")).encode(), "source"),
        (json.dumps(valid_body(id=42)).encode(), "id must be a string"),
        (json.dumps(valid_body(time="yesterday")).encode(), "RFC 3339"),
        (json.dumps(valid_body(time="2026-03-01T08:30:00")).encode(), "time zone"),
        (json.dumps(valid_body(data=[1])).encode(), "data must be a JSON object"),
        (json.dumps(valid_body(correlationid=5)).encode(), "correlationid must be a string"),
    ],
)
def test_a_malformed_message_is_an_invalid_event(body: bytes, reason: str) -> None:
    with pytest.raises(InvalidEvent, match=reason):
        parse(body)


def test_new_event_refuses_a_type_outside_the_naming_rule() -> None:
    with pytest.raises(InvalidEvent):
        new_event("tickets.opened", "tickets", {})


def test_the_content_type_is_structured_cloudevents() -> None:
    assert CONTENT_TYPE == "application/cloudevents+json"


@pytest.mark.parametrize("extras", [{}, {"subject": "工单/7", "correlationid": "c-1", "traceparent": "00-ab-cd-01"}])
def test_the_json_is_the_dict_written_compactly(extras: dict[str, str]) -> None:
    """to_json writes the envelope piece by piece: the same text json.dumps gives for to_dict."""
    import uuid
    from datetime import date

    from servicekit.envelope import CloudEvent, _json_default

    data = {"name": "张三 \"quoted\" \\ \n", "id": uuid.uuid4(), "at": datetime(2026, 3, 1, 8, 30, tzinfo=UTC),
            "on": date(2026, 3, 1), "list": [1, 2.5, None, True, {"nested": "√"}]}
    event = CloudEvent(type=TYPE, source="/tickets", data=data, **extras)
    assert event.to_json() == json.dumps(event.to_dict(), ensure_ascii=False, separators=(",", ":"),
                                         default=_json_default)
    assert parse(event.to_json()).id == event.id
