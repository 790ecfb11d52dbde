"""Every full number or address notify shows to a caller with pii:reveal is written to the
append-only audit record (servicekit.audit): who, when, what and why; a masked answer writes nothing."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select

from notify.tables import pii_reveals
from servicekit.testing import check_append_only

URL = "/api/v1/notices"


def _audit(db) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(select(pii_reveals)).mappings()]


def test_recipients_shown_whole_are_audited_and_masked_ones_are_not(client, auth, db, fee_notice) -> None:
    f = fee_notice
    desk = auth("service_desk_agent", [f["a"]])
    client.get(f"{URL}/{f['notice']}/recipients", headers=desk)
    client.get(f"{URL}/{f['notice']}/recipients/export", headers=desk)
    assert _audit(db) == []
    revealer = auth("service_desk_agent", [f["a"]], ["pii:reveal"], subject="agent-7")
    one = client.get(f"{URL}/{f['notice']}/recipients/{f['r']['王']}", headers=revealer).json
    assert one["mobile"] == "13800000001"
    [row] = _audit(db)
    assert (row["subject"], row["role"], row["what"], row["estate_id"], row["person_id"], row["record_id"],
            row["why"]) == ("agent-7", "service_desk_agent", "notice.recipient", f["a"], f["people"]["王"],
                            f["notice"], "GET /api/v1/notices/<uuid:notice_id>/recipients/<uuid:recipient_id>")
    client.get(f"{URL}/{f['notice']}/recipients", headers=revealer)
    listed = [r for r in _audit(db) if r["why"] == "GET /api/v1/notices/<uuid:notice_id>/recipients"]
    # Five households with a number; 孙, excluded for having no contact, shows nothing to reveal.
    assert sorted(r["person_id"] for r in listed) == sorted(f["people"][n] for n in "王李张赵钱")
    client.get(f"{URL}/{f['notice']}/recipients/export", headers=revealer)
    assert any(r["why"] == "GET /api/v1/notices/<uuid:notice_id>/recipients/export" for r in _audit(db))


def test_a_message_s_address_shown_whole_is_audited(client, auth, db, fee_notice) -> None:
    f = fee_notice
    message_id = f["m"]["王"]
    assert client.get(f"/api/v1/messages/{message_id}", headers=auth("service_desk_agent", [f["a"]])).json[
        "address"] == "138****0001"
    assert _audit(db) == []
    shown = client.get(f"/api/v1/messages/{message_id}", headers=auth("service_desk_agent", [f["a"]], ["pii:reveal"]))
    assert shown.json["address"] == "13800000001"
    [row] = _audit(db)
    assert (row["what"], row["record_id"], row["estate_id"], row["why"]) == (
        "message.address", message_id, f["a"], "GET /api/v1/messages/<uuid:message_id>")


def test_the_audit_record_is_append_only(db) -> None:
    check_append_only(db, pii_reveals, {
        "id": uuid.uuid4(), "estate_id": None, "subject": "agent-7", "role": "service_desk_agent",
        "what": "message.address", "person_id": None, "record_id": None, "why": "GET /x",
        "revealed_at": datetime.now(UTC)}, "why")
