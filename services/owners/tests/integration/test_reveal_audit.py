"""Owners' reveal audit is servicekit's: who (subject, role), when, what (kind, estate, person,
record) and why (the operation), append-only; rows recorded before the table took this shape stay."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError
from tenancy.permissions import REVEAL_PERSONAL_DATA

from owners.service import SERVICE
from owners.tables import pii_reveals
from servicekit.db import make_engine
from servicekit.migrate import alembic_config


def _audit(db) -> list[dict]:  # noqa: ANN001
    with db.connect() as conn:
        return [dict(r) for r in conn.execute(select(pii_reveals)).mappings()]


def test_a_reveal_records_who_when_what_and_why(client, auth, make_place, make_person, db):
    place = make_place()
    person = make_person(place["estate"], unit=place["units"][0])
    revealer = auth("service_desk_agent", [place["estate"]], perms=[REVEAL_PERSONAL_DATA], subject="agent-7")
    assert client.get(f"/api/v1/people/{person['id']}?reveal=true", headers=revealer).status_code == 200
    [row] = _audit(db)
    assert (row["subject"], row["role"], row["what"], str(row["estate_id"]), str(row["person_id"]),
            str(row["record_id"]), row["why"]) == (
        "agent-7", "service_desk_agent", "person.contact_points", place["estate"], person["id"], person["id"],
        "GET /api/v1/people/<uuid:person_id>")
    with pytest.raises(DBAPIError, match="append-only"), db.begin() as conn:
        conn.execute(update(pii_reveals).values(subject="someone-else"))
    with pytest.raises(DBAPIError, match="append-only"), db.begin() as conn:
        conn.execute(delete(pii_reveals))
    assert [r["subject"] for r in _audit(db)] == ["agent-7"]


def test_rows_recorded_before_the_new_shape_are_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'owners.sqlite3'}"
    config = alembic_config(SERVICE, url)
    command.upgrade(config, "0002")
    engine = make_engine(url)
    old = {"id": uuid.uuid4(), "estate_id": uuid.uuid4(), "subject": "agent-1", "person_id": uuid.uuid4(),
           "revealed_at": datetime(2026, 1, 1, tzinfo=UTC)}
    try:
        with engine.begin() as conn:
            # The table as revision 0002 left it (SQLite stores a UUID as its hex).
            conn.execute(text("INSERT INTO pii_reveals (id, estate_id, subject, person_id, revealed_at) "
                              "VALUES (:id, :estate_id, :subject, :person_id, :revealed_at)"),
                         {**old, "id": old["id"].hex, "estate_id": old["estate_id"].hex,
                          "person_id": old["person_id"].hex})
        command.upgrade(config, "head")
        [row] = _audit(engine)
        assert (row["id"], row["subject"], row["person_id"], row["what"], row["role"], row["why"]) == (
            old["id"], "agent-1", old["person_id"], "person.contact_points", "", "")
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(delete(pii_reveals))
        command.downgrade(config, "0002")
        command.upgrade(config, "head")
    finally:
        engine.dispose()
