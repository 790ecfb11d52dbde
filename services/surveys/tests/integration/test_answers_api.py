"""Answering (SRV-1, SRV-7): by an invitation's personal link without a login (saved in part,
resumed, submitted once), or entered by staff with the channel recorded; every refusal a 4xx that
stores nothing (an unknown token counts as a guess, and guessing is limited: 429 with Retry-After);
a published questionnaire never changes under the answers given to it."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from servicekit.testing import count_rows
from surveys.domain.questionnaires import ELEMENT_CODES
from surveys.tables import answer_scores, answers, invitation_tokens, invitations, outbox, waves

FULL = {**{code: {"score": 4} for code in ELEMENT_CODES}, "overall": {"score": 4}}


@pytest.fixture
def wave(client, auth, seeded):  # noqa: ANN001, ANN201
    estate = seeded(buildings=2, units_each=10)  # 4 households sampled
    manager = auth("estate_manager", [str(estate.id)])
    opened = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                                "opens_on": "2026-10-08"}, headers=manager)
    assert opened.status_code == 201, opened.json
    return {"estate": estate, "manager": manager, **opened.json}


def _sent(db, type_="surveys.invitation.sent.v1") -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        events = [json.loads(r.body) for r in conn.execute(select(outbox.table).order_by(outbox.table.c.seq))]
    return [e["data"] for e in events if e["type"] == type_]


def _token(invitation: dict) -> str:
    return invitation["link"].rsplit("/", 1)[1]


def test_a_link_shows_the_questions_saves_in_part_and_submits_once(client, db, wave) -> None:
    invitation = _sent(db)[0]
    assert invitation["link"].startswith("http://localhost:8000/survey/") and invitation["period"] == "2026-Q4"
    link = f"/api/v1/answers/{_token(invitation)}"
    page = client.get(link)
    assert page.status_code == 200 and page.json["state"] == "new" and len(page.json["questions"]) == 11
    saved = client.put(link, json={"items": {"attitude": {"score": 5, "comment": "前台很热情"}}})
    assert saved.status_code == 200 and saved.json["state"] == "draft"
    saved = client.put(link, json={"items": {"fees": {"score": 2}}})
    resumed = client.get(link).json
    assert resumed["items"] == {"attitude": {"score": 5, "comment": "前台很热情"}, "fees": {"score": 2}}

    missing = client.post(f"{link}/submission", json={"items": {"skills": {"score": 3}}},
                          headers={"Accept-Language": "zh-CN"})
    assert missing.status_code == 422 and missing.json["errors"]["items"]["overall"] == ["an answer is required"]
    assert "不符" in missing.json["detail"]
    items = {**FULL, "attitude": {"score": 5}, "fees": {"score": 2}}
    done = client.post(f"{link}/submission", json={"items": items})
    assert done.status_code == 201, done.json
    assert done.json["channel"] == "link" and done.json["state"] == "submitted"
    with db.connect() as conn:
        scored = dict(conn.execute(select(answer_scores.c.code, answer_scores.c.score)).all())
        invited = uuid.UUID(invitation["invitation_id"])
        state = conn.execute(select(invitations.c.state).where(invitations.c.id == invited)).scalar_one()
    assert len(scored) == 10 and scored["attitude"] == 5 and scored["fees"] == 2 and state == "answered"
    submitted = _sent(db, "surveys.answer.submitted.v1")
    assert [(s["invitation_id"], s["overall"], s["channel"]) for s in submitted] == [
        (invitation["invitation_id"], 4, "link")]

    for again in (client.get(link), client.put(link, json={"items": {}}), client.post(f"{link}/submission", json={})):
        assert again.status_code == 409 and "answered already" in again.json["detail"]
    assert count_rows(db, answers) == 1


def test_scores_out_of_range_and_unknown_questions_are_refused_and_nothing_is_stored(client, db, wave) -> None:
    link = f"/api/v1/answers/{_token(_sent(db)[0])}"
    for items in ({"attitude": {"score": 6}}, {"attitude": {"score": 0}}, {"attitude": {"score": 4.5}},
                  {"attitude": {"score": "4"}}, {"parking": {"score": 3}}, {"overall": {"score": 3, "comment": "x"}},
                  {"remarks": {"text": "x" * 2001}}):
        refused = client.put(link, json={"items": items})
        assert refused.status_code == 422, (items, refused.json)
    refused = client.post(f"{link}/submission", json={"items": {**FULL, "efficiency": {"score": 9}}})
    assert refused.status_code == 422 and refused.json["errors"]["items"]["efficiency"]
    assert count_rows(db, answers) == 0 and count_rows(db, answer_scores) == 0


def test_unknown_forged_expired_and_closed_links_are_refused(client, db, wave) -> None:
    sent = _sent(db)
    real = _token(sent[0])
    forged = real[:-1] + ("B" if real.endswith("A") else "A")  # one character off, never the real one
    for token in ("x" * 32, forged, "a" * 65):
        answer = client.get(f"/api/v1/answers/{token}", headers={"Accept-Language": "zh-CN"})
        assert answer.status_code == 404 and answer.json["detail"] == "没有此邀请"
    with db.begin() as conn:
        conn.execute(update(invitations).where(invitations.c.id == uuid.UUID(sent[1]["invitation_id"]))
                     .values(expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    expired = client.put(f"/api/v1/answers/{_token(sent[1])}", json={"items": {"attitude": {"score": 3}}})
    assert expired.status_code == 409 and "expired" in expired.json["detail"]
    with db.begin() as conn:
        conn.execute(update(waves).values(state="closed"))
    closed = client.post(f"/api/v1/answers/{_token(sent[2])}/submission", json={"items": FULL})
    assert closed.status_code == 409 and "closed" in closed.json["detail"]
    assert count_rows(db, answers) == 0


def test_guessing_tokens_is_limited_per_address(client, db, wave) -> None:
    answers_ = [client.get(f"/api/v1/answers/guess{n:04d}") for n in range(11)]
    assert [a.status_code for a in answers_] == [404] * 10 + [429]
    assert int(answers_[-1].headers["Retry-After"]) >= 1
    # The limit holds even for a right token from that address, until the bucket refills.
    assert client.get(f"/api/v1/answers/{_token(_sent(db)[0])}").status_code == 200
    assert client.get("/api/v1/answers/guess9999").status_code == 429
    assert client.get("/api/v1/answers/guess9999", environ_base={"REMOTE_ADDR": "10.0.0.9"}).status_code == 404


def test_a_forged_x_forwarded_for_is_ignored_where_no_proxy_is_trusted(client, wave) -> None:
    """SURVEYS_TRUSTED_PROXIES=0 (the default): a prober naming a new address in each request is still
    one address, its own."""
    answers_ = [client.get(f"/api/v1/answers/guess{n:04d}", headers={"X-Forwarded-For": f"203.0.113.{n}"})
                for n in range(11)]
    assert [a.status_code for a in answers_] == [404] * 10 + [429]


def test_no_token_is_stored_only_its_hash(client, db, wave) -> None:
    tokens = {_token(s) for s in _sent(db)}
    with db.connect() as conn:
        stored = {r.token_hash for r in conn.execute(select(invitation_tokens))}
    assert len(stored) == len(tokens) == 4 and not stored & tokens


def test_staff_enter_answers_with_their_channel(client, auth, db, wave) -> None:
    estate, sent = wave["estate"], _sent(db)
    desk = auth("service_desk_agent", [str(estate.id)])
    paper = client.post("/api/v1/answers", json={"wave_id": wave["id"], "unit_id": sent[0]["unit_id"],
                                                 "channel": "paper", "items": FULL}, headers=desk)
    assert paper.status_code == 201, paper.json
    assert (paper.json["channel"], paper.json["invitation_id"]) == ("paper", sent[0]["invitation_id"])
    assert client.get(f"/api/v1/answers/{_token(sent[0])}").status_code == 409  # the household has answered
    again = client.post("/api/v1/answers", json={"wave_id": wave["id"], "unit_id": sent[0]["unit_id"],
                                                 "channel": "phone", "items": FULL}, headers=desk)
    assert again.status_code == 409
    box = client.post("/api/v1/answers", json={"wave_id": wave["id"], "channel": "suggestion_box",
                                               "items": {**FULL, "remarks": {"text": "电梯太慢"}}}, headers=desk)
    assert box.status_code == 201 and box.json["unit_id"] is None
    unasked = next(u for u in estate.units if str(u) not in {s["unit_id"] for s in sent})
    walk_in = client.post("/api/v1/answers", json={"wave_id": wave["id"], "unit_id": str(unasked),
                                                   "channel": "walk_in", "items": FULL}, headers=desk)
    assert walk_in.status_code == 201  # a household the sample did not pick may answer too
    bad = client.post("/api/v1/answers", json={"wave_id": wave["id"], "channel": "link", "items": FULL}, headers=desk)
    assert bad.status_code == 422
    assert [s["channel"] for s in _sent(db, "surveys.answer.submitted.v1")] == ["paper", "suggestion_box", "walk_in"]


def test_a_reminder_goes_to_those_who_have_not_answered_with_a_new_link(client, db, wave) -> None:
    sent = _sent(db)
    client.post(f"/api/v1/answers/{_token(sent[0])}/submission", json={"items": FULL})
    reminded = client.post(f"/api/v1/waves/{wave['id']}/reminders", headers=wave["manager"])
    assert reminded.status_code == 200 and reminded.json["reminded"] == 3
    reminders = _sent(db, "surveys.invitation.reminded.v1")
    reminder = next(r for r in reminders if r["invitation_id"] == sent[1]["invitation_id"])
    assert reminder["invitation_id"] == sent[1]["invitation_id"] and reminder["reminders"] == 1
    assert reminder["link"] != sent[1]["link"]
    assert client.get(f"/api/v1/answers/{_token(sent[1])}").status_code == 200  # the first link stays good
    assert client.get(f"/api/v1/answers/{_token(reminder)}").status_code == 200
    listed = client.get(f"/api/v1/waves/{wave['id']}/invitations?state=answered", headers=wave["manager"]).json
    assert [i["id"] for i in listed["items"]] == [sent[0]["invitation_id"]]


def test_a_published_questionnaire_never_changes_under_its_answers(client, db, seeded, auth) -> None:
    estate = seeded()
    manager = auth("estate_manager", [str(estate.id)])
    made = client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(estate.id)},
                       headers=manager).json
    first = client.post(f"/api/v1/questionnaires/{made['id']}/publication", headers=manager).json["versions"][0]
    wave_ = client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": "2026-Q4",
                                               "questionnaire_id": made["id"]}, headers=manager).json
    link = f"/api/v1/answers/{_token(_sent(db)[0])}"
    assert client.post(f"{link}/submission", json={"items": FULL}).status_code == 201
    edited = client.put(f"/api/v1/questionnaires/{made['id']}", json={"questions": [
        {"code": "attitude", "kind": "scale", "max": 10, "text": {"zh-CN": "态度", "en": "Attitude"}}]},
        headers=manager).json
    assert edited["versions"][0] == first and edited["versions"][1]["published_at"] is None
    with db.connect() as conn:
        version = conn.execute(select(answers.c.questionnaire_version_id)).scalar_one()
    assert str(version) == first["id"] == wave_["questionnaire_version_id"]


def test_what_a_person_answered_latest_first_for_the_desk(client, auth, db, wave) -> None:
    invitation = _sent(db)[0]
    desk = auth("service_desk_agent", [str(wave["estate"].id)])
    url = f"/api/v1/answers?person_id={invitation['person_id']}"
    assert client.get(url, headers=desk).json["items"] == []
    link = f"/api/v1/answers/{_token(invitation)}"
    client.put(link, json={"items": {"attitude": {"score": 5}}})
    assert client.get(url, headers=desk).json["items"] == []  # a draft is not an answer yet
    assert client.post(f"{link}/submission", json={"items": FULL}).status_code == 201
    [answered] = client.get(url, headers=desk).json["items"]
    assert (answered["invitation_id"], answered["purpose"], answered["items"]["overall"]) == (
        invitation["invitation_id"], "wave", {"score": 4})
    someone_else = next(i for i in _sent(db) if i["person_id"] != invitation["person_id"])
    assert client.get(f"/api/v1/answers?person_id={someone_else['person_id']}", headers=desk).json["items"] == []
    assert client.get("/api/v1/answers", headers=desk).status_code == 422
