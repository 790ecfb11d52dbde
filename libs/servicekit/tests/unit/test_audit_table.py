"""The reveal audit table is one shape in every service, and its append-only triggers exist for both
databases the suite runs on (the services' tests exercise them on PostgreSQL and SQLite)."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData

from servicekit.audit import Reveal, append_only_statements, drop_append_only_statements, reveal_audit_table


def test_the_table_says_who_when_what_and_why():
    table = reveal_audit_table(MetaData())
    assert table.name == "pii_reveals"
    who_when_what_why = {"subject", "role", "revealed_at", "what", "estate_id", "person_id", "record_id", "why"}
    assert who_when_what_why <= set(table.c.keys())
    assert not table.c.subject.nullable and not table.c.why.nullable and table.c.person_id.nullable


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_update_and_delete_are_refused_by_triggers(dialect):
    made = " ".join(append_only_statements("pii_reveals", dialect))
    assert "UPDATE" in made and "DELETE" in made and "append-only" in made
    assert all("pii_reveals" in s for s in drop_append_only_statements("pii_reveals", dialect))
    with pytest.raises(ValueError):
        append_only_statements("pii_reveals", "mysql")


def test_a_reveal_named_twice_is_one_row():
    assert len(dict.fromkeys([Reveal("ticket.contact_phone", "e", "p", "t")] * 2)) == 1
