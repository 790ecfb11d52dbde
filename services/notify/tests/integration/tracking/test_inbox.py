"""The in-app inbox: newest first with the unread count, read receipts once, mark all read; an
owner reads only their own inbox, the desk reads their estates' but records no receipt."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from notify.inbox.views import in_inbox_of
from notify.tables import message_history, messages

URL = "/api/v1/people"


def test_an_owner_reads_their_inbox_and_the_receipts_are_recorded(client, auth, world, db) -> None:
    a = world.estate()
    me = world.person(a, "王小明")
    notice = world.notice(a)
    r = world.recipient(notice, "王小明", estate_id=a, person_id=me)
    old = world.message(r, "in_app", "delivered", minutes=0)
    new = world.message(r, "in_app", "delivered", minutes=5)
    world.message(r, "in_app", "queued", minutes=6)  # not in the inbox yet
    world.message(r, "sms", "delivered")  # not an inbox message
    owner = auth("owner", [a], subject=str(me))
    inbox = client.get(f"{URL}/{me}/inbox", headers=owner)
    assert inbox.status_code == 200, inbox.json
    assert [m["id"] for m in inbox.json["items"]] == [str(new), str(old)] and inbox.json["unread"] == 2

    opened = client.post(f"{URL}/{me}/inbox/{old}/read", headers=owner)
    assert opened.status_code == 200, opened.json
    assert opened.json["state"] == "read" and opened.json["read_at"]
    assert client.post(f"{URL}/{me}/inbox/{old}/read", headers=owner).json["read_at"] == opened.json["read_at"]
    with db.connect() as conn:
        receipts = conn.execute(select(message_history.c.state).where(
            message_history.c.message_id == old, message_history.c.state == "read")).scalars().all()
    assert receipts == ["read"]
    assert client.get(f"{URL}/{me}/inbox", headers=owner).json["unread"] == 1
    assert client.get(f"{URL}/{me}/inbox", query_string={"unread": "true"}, headers=owner).json["items"][0][
        "id"] == str(new)

    assert client.post(f"{URL}/{me}/inbox/read-all", headers=owner).json == {"marked": 1}
    assert client.get(f"{URL}/{me}/inbox", headers=owner).json["unread"] == 0


def test_an_owner_cannot_read_another_persons_inbox(client, auth, world) -> None:
    a = world.estate()
    me, neighbour = world.person(a, "王小明"), world.person(a, "李四")
    notice = world.notice(a)
    theirs = world.message(world.recipient(notice, "李四", estate_id=a, person_id=neighbour), "in_app", "delivered")
    owner = auth("owner", [a], subject=str(me))
    assert client.get(f"{URL}/{neighbour}/inbox", headers=owner).status_code == 404
    assert client.post(f"{URL}/{neighbour}/inbox/{theirs}/read", headers=owner).status_code == 404
    assert client.get(f"{URL}/{me}/inbox/{theirs}", headers=owner).status_code == 404
    assert client.post(f"{URL}/{me}/inbox/{theirs}/read", headers=owner).status_code == 404
    assert client.get(f"{URL}/{uuid.uuid4()}/inbox", headers=owner).status_code == 404


def test_the_desk_reads_its_estates_inboxes_without_a_receipt(client, auth, world) -> None:
    a, b = world.estate(), world.estate("月亮湾")
    person = world.person(a, "王小明")
    notice = world.notice(a)
    message = world.message(world.recipient(notice, "王小明", estate_id=a, person_id=person), "in_app", "delivered")
    desk = auth("service_desk_agent", [a])
    shown = client.get(f"{URL}/{person}/inbox/{message}", headers=desk)
    assert shown.status_code == 200 and shown.json["state"] == "delivered"
    assert client.post(f"{URL}/{person}/inbox/{message}/read", headers=desk).status_code == 403
    assert client.get(f"{URL}/{person}/inbox", headers=auth("service_desk_agent", [b])).status_code == 404


@pytest.mark.postgres_only
def test_the_inbox_is_read_through_its_in_app_index_even_by_a_generic_plan(world, db) -> None:
    """A notice's SMS and e-mail take no entry in the inbox's partial index (each message write pays
    for every index of messages): the inbox's statements name the channel as a literal, so even a
    prepared statement's generic plan, which knows no bound values, reads through that index."""
    a = world.estate()
    me = world.person(a, "王小明")
    notice = world.notice(a)
    r = world.recipient(notice, "王小明", estate_id=a, person_id=me)
    world.message(r, "in_app", "delivered")
    statements = {"page": select(messages.c.id).where(*in_inbox_of(me)),
                  "unread": select(func.count()).where(*in_inbox_of(me), messages.c.state == "delivered")}
    with db.connect() as conn:
        conn.exec_driver_sql("SET plan_cache_mode = force_generic_plan")
        for name, statement in statements.items():
            compiled = statement.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
            names = list(compiled.params)
            sql = str(compiled)
            for n, param in enumerate(names, start=1):
                sql = sql.replace(f"%({param})s", f"${n}")
            conn.exec_driver_sql(f"PREPARE inbox_{name} AS {sql}")
            values = ", ".join(f"'{compiled.params[param]}'" for param in names)
            plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN EXECUTE inbox_{name}({values})"))
            assert "ix_messages_inbox" in plan, plan
