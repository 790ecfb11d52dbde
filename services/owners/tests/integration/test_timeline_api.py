"""The activity timeline (OWN-3): what tickets', notify's and surveys' events said happened to a person
or a unit, through owners' own handlers (as its consumer applies them) and read over the API: newest
first, paginated, by kind and period, in the caller's language, scoped to the caller's estates."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from owners.service import SERVICE
from owners.tables import timeline_entries
from servicekit.envelope import CloudEvent

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def _apply(db, type_: str, data: dict[str, Any], at: datetime, event_id: str | None = None) -> CloudEvent:  # noqa: ANN001
    event = CloudEvent(type=type_, source=f"/estatedesk/{type_.split('.')[0]}", subject=str(uuid.uuid4()),
                       data=data, time=at, id=event_id or str(uuid.uuid4()))
    with Session(db) as session, session.begin():
        SERVICE.event_handlers()[type_](session, event)
    return event


def _ticket(place: dict, person: dict, stage: str) -> dict[str, Any]:
    return {"ticket_id": place["ticket"], "number": "T261102000007", "estate_id": place["estate"],
            "person_id": person["id"], "unit_id": place["units"][0], "kind": "repair", "title": "厨房水管漏水",
            "stage": stage, "priority": "normal"}


def _history(db, place: dict, person: dict) -> None:  # noqa: ANN001
    """A repair's life, a call, a notice that reached them and one that did not, a survey answered."""
    steps = [("opened", {}), ("dispatched", {"assignee_id": str(uuid.uuid4())}), ("arrived", {}),
             ("resolved", {"resolution": "更换了阀门", "promise_kept": None}),
             ("evaluated", {"score": 5, "comment": "师傅很专业", "channel": "survey"})]
    for hours, (step, data) in enumerate(steps):
        _apply(db, f"tickets.ticket.{step}.v1", {"ticket": _ticket(place, person, step), **data},
               START + timedelta(hours=hours))
    _apply(db, "tickets.call.logged.v1", {"call": {
        "call_id": str(uuid.uuid4()), "estate_id": place["estate"], "direction": "inbound", "number_last4": "5678",
        "person_id": person["id"], "unit_id": place["units"][0], "ticket_id": place["ticket"], "outcome": "answered",
        "ring_started_at": START.isoformat()}}, START - timedelta(minutes=5))
    notice = {"notice_id": str(uuid.uuid4()), "estate_id": place["estate"], "purpose": "fee_reminder"}
    _apply(db, "notify.recipients.reached.v1", {
        **notice, "title": "12月物业费缴纳通知", "part": 1, "parts": 1,
        "recipients": [{"person_id": person["id"], "unit_id": place["units"][0], "channel": "sms"}]},
        START + timedelta(days=1))
    _apply(db, "notify.recipient.unreached.v1", {
        **notice, "notice_id": str(uuid.uuid4()), "title": "停水通知", "recipient_id": str(uuid.uuid4()),
        "person_id": person["id"], "unit_id": place["units"][0], "unit_label": "1栋 1-101", "name": "张伟",
        "language": "zh-CN", "reason": "failed",
        "failures": [{"channel": "sms", "code": "isv.MOBILE_NUMBER_ILLEGAL", "reason": "非法手机号"}]},
        START + timedelta(days=2))
    _apply(db, "surveys.answer.submitted.v1", {
        "answer_id": str(uuid.uuid4()), "estate_id": place["estate"], "invitation_id": str(uuid.uuid4()),
        "wave_id": str(uuid.uuid4()), "ticket_id": None, "unit_id": place["units"][0], "person_id": person["id"],
        "channel": "link", "overall": 4, "satisfied": None}, START + timedelta(days=3))


def _setup(db, make_place, make_person) -> tuple[dict, dict]:  # noqa: ANN001
    place = {**make_place("SUN", units=("1-101", "1-102")), "ticket": str(uuid.uuid4())}
    person = make_person(place["estate"], unit=place["units"][0])
    _history(db, place, person)
    return place, person


def test_a_persons_timeline_is_their_history_across_the_suite_newest_first(db, client, auth, make_place,
                                                                          make_person) -> None:
    place, person = _setup(db, make_place, make_person)
    desk = auth("service_desk_agent", [place["estate"]])
    answer = client.get(f"/api/v1/people/{person['id']}/timeline?page_size=50", headers=desk)
    assert answer.status_code == 200, answer.json
    kinds = [item["kind"] for item in answer.json["items"]]
    assert kinds == ["answer.submitted", "notice.unreached", "notice.reached", "ticket.evaluated", "ticket.resolved",
                     "ticket.arrived", "ticket.dispatched", "ticket.opened", "call.logged"]
    evaluated = answer.json["items"][3]
    assert evaluated["link"] == f"/tickets/api/v1/tickets/{place['ticket']}"
    assert evaluated["details"]["score"] == 5 and evaluated["summary"] == "Evaluated ticket T261102000007"
    zh = client.get(f"/api/v1/people/{person['id']}/timeline?kind=notice.reached",
                    headers={**desk, "Accept-Language": "zh-CN"}).json["items"]
    assert [item["summary"] for item in zh] == ["通知“12月物业费缴纳通知”已通过短信送达"]


def test_the_timeline_filters_by_kind_source_and_period_and_pages(db, client, auth, make_place, make_person) -> None:
    place, person = _setup(db, make_place, make_person)
    desk, url = auth("service_desk_agent", [place["estate"]]), f"/api/v1/people/{person['id']}/timeline"
    tickets = client.get(f"{url}?source=tickets&kind=ticket.opened&kind=ticket.resolved", headers=desk).json
    assert [i["kind"] for i in tickets["items"]] == ["ticket.resolved", "ticket.opened"]
    period = client.get(f"{url}?since={(START + timedelta(days=1)).isoformat()}"
                        f"&until={(START + timedelta(days=3)).isoformat()}".replace("+", "%2B"), headers=desk).json
    assert [i["kind"] for i in period["items"]] == ["notice.unreached", "notice.reached"]
    first = client.get(f"{url}?page_size=4", headers=desk).json
    second = client.get(f"{url}?page_size=4&page=2", headers=desk).json
    assert first["has_more"] and len(first["items"]) == 4 and len(second["items"]) == 4
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}


def test_a_units_timeline_holds_what_happened_there(db, client, auth, make_place, make_person) -> None:
    place, _person = _setup(db, make_place, make_person)
    desk = auth("service_desk_agent", [place["estate"]])
    here = client.get(f"/api/v1/units/{place['units'][0]}/timeline?page_size=50", headers=desk).json["items"]
    assert len(here) == 9
    assert client.get(f"/api/v1/units/{place['units'][1]}/timeline", headers=desk).json["items"] == []


def test_an_event_applied_again_writes_nothing_twice(db, make_place, make_person) -> None:
    place = {**make_place("SUN"), "ticket": str(uuid.uuid4())}
    person = make_person(place["estate"], unit=place["units"][0])
    data = {"ticket": _ticket(place, person, "opened")}
    event_id = str(uuid.uuid4())
    for _ in range(2):  # a redelivery, or the same event replayed
        _apply(db, "tickets.ticket.opened.v1", data, START, event_id=event_id)
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(timeline_entries)).scalar_one() == 1


def test_bad_filters_are_refused_in_both_languages(db, client, auth, make_place, make_person) -> None:
    place = make_place("SUN")
    person = make_person(place["estate"], unit=place["units"][0])
    desk, url = auth("service_desk_agent", [place["estate"]]), f"/api/v1/people/{person['id']}/timeline"
    assert client.get(f"{url}?kind=ticket.exploded", headers=desk).status_code == 422
    backwards = client.get(f"{url}?since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z",
                           headers={**desk, "Accept-Language": "zh-CN"})
    assert backwards.status_code == 422 and backwards.json["errors"]["query"]["until"]


def test_another_estates_person_or_unit_is_not_found(db, client, auth, make_place, make_person) -> None:
    place, person = _setup(db, make_place, make_person)
    other = auth("service_desk_agent", [make_place("MOON")["estate"]])
    assert client.get(f"/api/v1/people/{person['id']}/timeline", headers=other).status_code == 404
    assert client.get(f"/api/v1/units/{place['units'][0]}/timeline", headers=other).status_code == 404
    owner = auth("owner", [place["estate"]])  # an owner reads their own person's timeline only
    assert client.get(f"/api/v1/people/{person['id']}/timeline", headers=owner).status_code == 404
    themselves = auth("owner", [place["estate"]], subject=person["id"])
    assert client.get(f"/api/v1/people/{person['id']}/timeline", headers=themselves).status_code == 200


def test_a_person_with_their_latest_entries_in_one_call(db, client, auth, make_place, make_person) -> None:
    """``GET /people/{id}?timeline=N``: the person as without it, and their latest N entries as the
    timeline gives them (the gateway's overview asks so: one call, not two); without it, no timeline."""
    place, person = _setup(db, make_place, make_person)
    desk = {**auth("service_desk_agent", [place["estate"]]), "Accept-Language": "zh-CN"}
    url = f"/api/v1/people/{person['id']}"
    both = client.get(f"{url}?timeline=3", headers=desk)
    assert both.status_code == 200, both.json
    alone = client.get(url, headers=desk).json
    assert "timeline" not in alone
    assert {k: v for k, v in both.json.items() if k != "timeline"} == alone
    assert both.json["timeline"] == client.get(f"{url}/timeline?page_size=3", headers=desk).json["items"]
    assert [e["kind"] for e in both.json["timeline"]] == ["answer.submitted", "notice.unreached", "notice.reached"]
    assert both.json["timeline"][2]["summary"] == "通知“12月物业费缴纳通知”已通过短信送达"
    themselves = auth("owner", [place["estate"]], subject=person["id"])
    own = client.get(f"{url}?timeline=1", headers=themselves).json
    assert own["note"] is None and [e["kind"] for e in own["timeline"]] == ["answer.submitted"]


def test_a_persons_timeline_asked_for_out_of_range_is_refused(db, client, auth, make_place, make_person) -> None:
    place = make_place("SUN")
    person = make_person(place["estate"], unit=place["units"][0])
    desk = {**auth("service_desk_agent", [place["estate"]]), "Accept-Language": "zh-CN"}
    for bad in ("-1", "101", "many"):
        refused = client.get(f"/api/v1/people/{person['id']}?timeline={bad}", headers=desk)
        assert refused.status_code == 422 and refused.json["errors"]["query"]["timeline"], bad
    other = auth("service_desk_agent", [make_place("MOON")["estate"]])
    assert client.get(f"/api/v1/people/{person['id']}?timeline=5", headers=other).status_code == 404
