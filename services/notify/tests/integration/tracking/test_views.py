"""Totals while a notice sends, the not-reached list and its filters, one recipient's history, and
"did person X get notice Y", scoped to the caller's estates and masked."""

from __future__ import annotations

import uuid
from datetime import timedelta

from .conftest import T0

URL = "/api/v1/notices"


def test_totals_are_live_while_some_messages_are_still_queued(client, auth, fee_notice, world) -> None:
    f = fee_notice
    world.message(f["r"]["钱"], "email", "sending")
    answer = client.get(f"{URL}/{f['notice']}/totals", headers=auth("service_desk_agent", [f["a"]]))
    assert answer.status_code == 200, answer.json
    totals = answer.json
    assert totals["status"] == "sending"
    assert totals["messages"] == {"queued": 1, "sending": 1, "sent": 0, "delivered": 2, "failed": 3, "read": 0,
                                  "cancelled": 0, "no_receipt": 0, "total": 7}
    assert totals["by_channel"]["sms"]["failed"] == 3 and totals["by_channel"]["sms"]["total"] == 5
    assert totals["by_channel"]["email"] == {"queued": 0, "sending": 1, "sent": 0, "delivered": 1, "failed": 0,
                                             "read": 0, "cancelled": 0, "no_receipt": 0, "total": 2}
    assert totals["recipients"] == {"total": 6, "reached": 2, "not_reached": 3, "pending": 1, "unreached": 2,
                                    "excluded": 1, "opted_out": 0, "no_contact": 1}


def test_the_not_reached_list_with_each_ones_messages(client, auth, fee_notice) -> None:
    f = fee_notice
    desk = auth("service_desk_agent", [f["a"]])
    page = client.get(f"{URL}/{f['notice']}/recipients", query_string={"outcome": "not_reached"}, headers=desk).json
    assert [r["name"] for r in page["items"]] == ["张", "赵", "钱"]
    assert page["has_more"] is False
    zhang = page["items"][0]
    assert zhang["outcome"] == "unreached" and zhang["mobile"] == "138****0003"
    assert zhang["email"] == "139****0003@139.com"
    assert [(m["channel"], m["state"], m["failure_code"]) for m in zhang["messages"]] == [
        ("sms", "failed", "isv.MOBILE_NUMBER_ILLEGAL")]
    assert zhang["messages"][0]["address"] == "138****0003"
    unreached = client.get(f"{URL}/{f['notice']}/recipients", query_string={"outcome": "unreached"}, headers=desk)
    assert [r["name"] for r in unreached.json["items"]] == ["张", "赵"]
    revealed = client.get(f"{URL}/{f['notice']}/recipients", query_string={"outcome": "unreached"},
                          headers=auth("service_desk_agent", [f["a"]], ["pii:reveal"])).json
    assert revealed["items"][0]["mobile"] == "13800000003"


def test_the_list_filters_and_pages(client, auth, fee_notice) -> None:
    f = fee_notice
    desk = auth("estate_manager", [f["a"]])

    def names(**query) -> list[str]:
        answer = client.get(f"{URL}/{f['notice']}/recipients", query_string=query, headers=desk)
        assert answer.status_code == 200, answer.json
        return [r["name"] for r in answer.json["items"]]

    assert names() == ["王", "李", "张", "赵", "钱", "孙"]
    assert names(outcome="reached") == ["王", "李"]
    assert names(outcome="excluded") == ["孙"]
    assert names(channel="email") == ["李"]
    assert names(state="failed") == ["李", "张", "赵"]
    assert names(state="delivered", channel="sms") == ["王"]
    assert names(building_id=str(f["b2"])) == ["张", "赵", "钱", "孙"]
    assert names(unit_id=str(f["units"][4])) == ["赵"]
    assert names(q="赵") == ["赵"] and names(q="2栋 6") == ["孙"]
    first = client.get(f"{URL}/{f['notice']}/recipients", query_string={"page_size": 2}, headers=desk).json
    assert [r["name"] for r in first["items"]] == ["王", "李"] and first["has_more"] is True
    assert client.get(f"{URL}/{f['notice']}/recipients", query_string={"outcome": "lost"},
                      headers=desk).status_code == 422


def test_one_recipients_history(client, auth, fee_notice) -> None:
    f = fee_notice
    answer = client.get(f"{URL}/{f['notice']}/recipients/{f['r']['李']}", headers=auth()).json
    assert answer["outcome"] == "reached" and answer["reached_over"] == "email"
    sms, email = answer["messages"]
    assert [h["state"] for h in sms["history"]] == ["queued", "failed"]
    assert email["fallback_of"] == str(f["m"]["李sms"])
    missing = client.get(f"{URL}/{f['notice']}/recipients/{uuid.uuid4()}", headers=auth())
    assert missing.status_code == 404


def test_did_person_x_get_notice_y(client, auth, fee_notice, world) -> None:
    f = fee_notice
    desk = auth("service_desk_agent", [f["a"]])

    def ask(person) -> dict:
        answer = client.get(f"{URL}/{f['notice']}/recipients/by-person/{person}", headers=desk)
        assert answer.status_code == 200, answer.json
        return answer.json

    li = ask(f["people"]["李"])
    assert (li["in_audience"], li["reached"], li["outcome"], li["reached_over"]) == (True, True, "reached", "email")
    assert li["reached_at"].startswith("2026-12-01T01:01:05")
    assert [m["channel"] for m in li["recipients"][0]["messages"]] == ["sms", "email"]
    assert li["recipients"][0]["messages"][0]["history"][-1]["code"] == "isv.MOBILE_NUMBER_ILLEGAL"
    zhao = ask(f["people"]["赵"])
    assert (zhao["in_audience"], zhao["reached"], zhao["outcome"], zhao["reached_over"]) == (
        True, False, "unreached", None)
    stranger = ask(world.person(f["a"], "吴"))
    assert (stranger["in_audience"], stranger["reached"], stranger["recipients"]) == (False, False, [])


def test_what_have_we_told_a_person_every_notice_latest_first_with_its_outcome(client, auth, fee_notice,
                                                                              world) -> None:
    """The owner's whole picture asks notify this: each notice they were sent, reached or not, how."""
    f = fee_notice
    desk = auth("service_desk_agent", [f["a"]])
    later = world.notice(f["a"], title="停水通知", started_at=T0 + timedelta(hours=2))
    world.message(world.recipient(later, "李", estate_id=f["a"], person_id=f["people"]["李"], unit_id=f["units"][2],
                                  unit_label="1栋 2-101", mobile="13800000002"), "sms", "failed")
    answer = client.get(f"{URL}/for-person/{f['people']['李']}", headers=desk)
    assert answer.status_code == 200, answer.json
    assert [(n["title"], n["outcome"], n["reached_over"]) for n in answer.json["items"]] == [
        ("停水通知", "unreached", None), ("12月物业费缴纳通知", "reached", "email")]
    assert client.get(f"{URL}/for-person/{f['people']['李']}", headers=auth("service_desk_agent", [f["b"]])
                      ).status_code == 404


def test_an_estates_reach_since_a_time_for_its_dashboard(client, auth, fee_notice, world) -> None:
    """The fee notice: 6 recipients, 1 excluded (no contact), 王 and 李 reached: 2 of 5; a notice that
    started before ``since`` and another estate's are not counted."""
    f = fee_notice
    desk = auth("service_desk_agent", [f["a"]])
    world.notice(f["a"], title="上月通知", started_at=T0 - timedelta(days=40))
    since = (T0 - timedelta(days=1)).isoformat().replace("+", "%2B")
    answer = client.get(f"{URL}/reach?estate_id={f['a']}&since={since}", headers=desk)
    assert answer.status_code == 200, answer.json
    assert {k: answer.json[k] for k in ("notices", "recipients", "reached", "excluded", "reach_rate")} == {
        "notices": 1, "recipients": 5, "reached": 2, "excluded": 1, "reach_rate": 0.4}
    assert client.get(f"{URL}/reach?estate_id={f['b']}", headers=desk).status_code == 404


def test_another_estates_notice_is_404(client, auth, fee_notice) -> None:
    f = fee_notice
    desk = auth("service_desk_agent", [f["a"]])
    for path in ("totals", "recipients", f"recipients/by-person/{f['people']['王']}", "recipients/export"):
        assert client.get(f"{URL}/{f['other']}/{path}", headers=desk).status_code == 404, path
    assert client.get(f"{URL}/{uuid.uuid4()}/totals", headers=desk).status_code == 404
    assert client.get(f"{URL}/{f['notice']}/totals", headers=auth("owner", [f["a"]])).status_code == 403


def test_the_reach_indexes_predicate_is_the_domains_reaching(db, world) -> None:
    """notify.tables.REACHING (the dashboard's partial index and its count, in literals) keeps exactly
    the messages notify.domain.messages.reaches says reached their recipient, over every channel and
    state; and the migrations that made the index and kept the reach of completed notices spell it the same."""
    import importlib.util
    from pathlib import Path

    from sqlalchemy import select, text

    from notify.domain.channels import CHANNELS
    from notify.domain.messages import STATES, reaches
    from notify.tables import REACHING, messages

    a = world.estate("阳光花园")
    notice = world.notice(a)
    made = {world.message(world.recipient(notice, f"{c}-{s}", estate_id=a, mobile="13800000001"), c, s): (c, s)
            for c in CHANNELS for s in STATES}
    with db.connect() as conn:
        kept = set(conn.execute(select(messages.c.id).where(messages.c.notice_id == notice, text(REACHING))).scalars())
    assert {made[m] for m in kept} == {(c, s) for c, s in made.values() if reaches(c, s)}
    for name in ("0009_reach_indexes", "0010_kept_reach"):
        path = Path(__file__).parents[3] / f"src/notify/migrations/versions/{name}.py"
        spec = importlib.util.spec_from_file_location(name, path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        assert migration.REACHING == REACHING, name


def test_an_estates_reach_counts_each_recipient_once_and_only_its_notices_since(client, auth, fee_notice,
                                                                                world) -> None:
    """The estate dashboard's part: 王 reached over SMS and e-mail counts once, 李 by the e-mail after a
    failed SMS, an unread in-app message reaches nobody; 孙 excluded; another estate's notice and one
    started before ``since`` are not counted."""
    f = fee_notice
    world.message(f["r"]["王"], "email", "delivered", minutes=2)
    world.message(f["r"]["张"], "in_app", "delivered", minutes=2)
    earlier = world.notice(f["a"], started_at=T0 - timedelta(days=40))
    world.message(world.recipient(earlier, "吴", estate_id=f["a"], mobile="13811113333"), "sms", "delivered")
    since = (T0 - timedelta(days=1)).isoformat()
    answer = client.get(f"{URL}/reach", query_string={"estate_id": str(f["a"]), "since": since},
                        headers=auth("estate_manager", [f["a"]]))
    assert answer.status_code == 200, answer.json
    assert {k: answer.json[k] for k in ("notices", "recipients", "reached", "excluded", "reach_rate")} == {
        "notices": 1, "recipients": 5, "reached": 2, "excluded": 1, "reach_rate": 0.4}
    everything = client.get(f"{URL}/reach", query_string={"estate_id": str(f["a"]),
                                                           "since": (T0 - timedelta(days=50)).isoformat()},
                            headers=auth("estate_manager", [f["a"]])).json
    assert (everything["notices"], everything["recipients"], everything["reached"]) == (2, 6, 3)
    nothing = client.get(f"{URL}/reach", query_string={"estate_id": str(f["a"]), "since": (T0 + timedelta(days=1))
                                                       .isoformat()}, headers=auth("estate_manager", [f["a"]])).json
    assert (nothing["notices"], nothing["recipients"], nothing["reach_rate"]) == (0, 0, None)
