"""The queue's saved filter sets in the gateway's own table (migration 0009): kept by account, a name
saved again replaces its set, another account neither sees nor removes them, at most MAX_SETS a
staff member, and they go with the account."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, inspect
from sqlalchemy.orm import Session, sessionmaker

from gateway.console import saved_filters
from gateway.service import SERVICE
from gateway.tables import accounts


def _uow(db):
    return SERVICE.unit_of_work(sessionmaker(db, expire_on_commit=False))


def _account(make_account) -> dict:
    made = make_account("service_desk_agent")
    return {**made, "id": uuid.UUID(made["id"])}


def _listed(db, account_id) -> list[dict]:
    with Session(db) as session:
        return saved_filters.listed(session, account_id)


def test_the_migration_makes_the_table_keyed_by_account_and_name(db) -> None:
    table = inspect(db)
    assert {c["name"] for c in table.get_columns("console_saved_filters")} == {
        "id", "account_id", "name", "filters", "created_at", "updated_at"}
    [unique] = table.get_unique_constraints("console_saved_filters")
    assert unique["column_names"] == ["account_id", "name"]
    [foreign] = table.get_foreign_keys("console_saved_filters")
    assert foreign["referred_table"] == "accounts" and foreign["options"].get("ondelete") == "CASCADE"


def test_sets_are_kept_by_account_and_a_name_saved_again_replaces_its_set(db, make_account) -> None:
    mine, theirs = _account(make_account), _account(make_account)
    first = saved_filters.save(_uow(db), mine["id"], "报修", {"kind": "repair", "stage": ["received"]})
    saved_filters.save(_uow(db), mine["id"], "投诉", {"kind": "complaint"})
    saved_filters.save(_uow(db), mine["id"], "报修", {"kind": "repair", "stage": ["dispatched"]})
    listed = _listed(db, mine["id"])
    assert [(s["name"], s["filters"]) for s in listed] == [
        ("报修", {"kind": "repair", "stage": ["dispatched"]}), ("投诉", {"kind": "complaint"})]
    assert listed[0]["id"] == first["id"]
    assert _listed(db, theirs["id"]) == []
    assert saved_filters.remove(_uow(db), theirs["id"], first["id"]) is False
    assert len(_listed(db, mine["id"])) == 2
    assert saved_filters.remove(_uow(db), mine["id"], first["id"]) is True
    assert [s["name"] for s in _listed(db, mine["id"])] == ["投诉"]


def test_a_staff_member_keeps_at_most_max_sets(db, make_account) -> None:
    mine = _account(make_account)
    for number in range(saved_filters.MAX_SETS):
        assert saved_filters.save(_uow(db), mine["id"], f"set {number}", {"kind": "repair"}) is not None
    assert saved_filters.save(_uow(db), mine["id"], "one more", {"kind": "repair"}) is None
    assert saved_filters.save(_uow(db), mine["id"], "set 0", {"kind": "inquiry"}) is not None  # replacing is fine
    assert len(_listed(db, mine["id"])) == saved_filters.MAX_SETS


def test_the_sets_go_with_the_account(db, make_account) -> None:
    if db.dialect.name != "postgresql":
        return  # SQLite keeps no foreign keys unless asked
    mine = _account(make_account)
    saved_filters.save(_uow(db), mine["id"], "报修", {"kind": "repair"})
    with db.begin() as conn:
        conn.execute(delete(accounts).where(accounts.c.id == mine["id"]))
    assert _listed(db, mine["id"]) == []
