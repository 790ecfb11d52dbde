"""The operator's rows (no estate) and the caller's estates' own: what a scoped caller lists of
categories, catalogue items, rules and procedures; with one estate named, the operator's and that one's."""

from __future__ import annotations

import uuid

from sqlalchemy import Column, MetaData, String, Table, Uuid, select
from sqlalchemy.dialects import sqlite

from servicekit.auth import Principal, scoped_with_operator

items = Table("items", MetaData(), Column("id", Uuid, primary_key=True), Column("estate_id", Uuid),
              Column("code", String))
A, B = uuid.uuid4(), uuid.uuid4()


def sql(statement) -> str:  # noqa: ANN001
    return str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))


def test_a_scoped_caller_sees_the_operators_rows_and_their_estates() -> None:
    caller = Principal("desk", "service_desk_agent", frozenset({str(A), "not-a-uuid"}))
    where = sql(scoped_with_operator(select(items), items.c.estate_id, caller)).split("WHERE", 1)[1]
    assert "items.estate_id IS NULL OR items.estate_id IN" in where and A.hex in where and "not-a-uuid" not in where


def test_one_estate_named_narrows_to_it_and_an_admin_sees_everything() -> None:
    admin = Principal("admin", "operator_admin", None)
    assert "WHERE" not in sql(scoped_with_operator(select(items), items.c.estate_id, admin))
    named = sql(scoped_with_operator(select(items), items.c.estate_id, admin, B))
    assert "items.estate_id IS NULL OR items.estate_id = " in named and B.hex in named
