"""Issue 16, "no full number leaves without the permission": a notice's list audience is the same
people as its recipients, so every notice answer (create, list, read, cancel, pause, resume) masks a
list's mobiles and e-mail addresses unless the caller has ``pii:reveal``, as the recipients endpoint does."""

import json
import uuid

import pytest
from sqlalchemy import update

from notify.tables import notices

ARREARS = {"list": [{"name": "王芳", "mobile": "13800000001", "email": "13800000001@139.com",
                     "variables": {"amount": "320.00"}},
                    {"name": "Tom", "mobile": "13800000002", "language": "en", "variables": {"amount": "99.00"}}]}


@pytest.fixture
def made(client, auth, world):
    template = world.template()
    data = {"estate_id": str(world.estate_id), "template_id": str(template), "title": "欠费提醒",
            "audience": ARREARS, "variables": {"due_date": "3月31日"}, "channels": ["sms"]}
    answer = client.post("/api/v1/notices", json=data, headers=auth("integration_client", [world.estate_id]))
    assert answer.status_code == 201, answer.json
    return answer.json


def _full_numbers(body) -> bool:
    text = json.dumps(body, ensure_ascii=False)
    return "13800000001" in text or "13800000002" in text


def test_no_notice_answer_holds_a_full_number_without_pii_reveal(client, auth, db, world, made):
    assert not _full_numbers(made), "the create answer"
    headers = auth("estate_manager", [world.estate_id])
    listed = client.get(f"/api/v1/notices?estate_id={world.estate_id}", headers=headers)
    one = client.get(f"/api/v1/notices/{made['id']}", headers=headers)
    assert listed.status_code == one.status_code == 200
    assert not _full_numbers(listed.json) and not _full_numbers(one.json)
    wang, tom = one.json["audience"]["list"]
    assert (wang["mobile"], wang["email"], tom["mobile"]) == ("138****0001", "138****0001@139.com", "138****0002")
    assert wang["variables"] == {"amount": "320.00"} and tom["language"] == "en"
    with db.begin() as conn:  # pause and resume need a sending notice
        conn.execute(update(notices).where(notices.c.id == uuid.UUID(made["id"])).values(status="sending"))
    for action in ("pause", "resume", "cancel"):
        answer = client.post(f"/api/v1/notices/{made['id']}/{action}", headers=headers)
        assert answer.status_code == 200, (action, answer.json)
        assert not _full_numbers(answer.json), action


def test_pii_reveal_shows_the_list_as_given(client, auth, world, made):
    revealed = client.get(f"/api/v1/notices/{made['id']}",
                          headers=auth("estate_manager", [world.estate_id], ["pii:reveal"]))
    assert [e["mobile"] for e in revealed.json["audience"]["list"]] == ["13800000001", "13800000002"]
    assert revealed.json["audience"]["list"][0]["email"] == "13800000001@139.com"
