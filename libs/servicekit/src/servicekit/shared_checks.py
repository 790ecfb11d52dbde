"""Checks the tests of several services make alike, written once: a rule servicekit enforces for
every service (an operator-wide row needs an every-estate token, an audit table is append-only) is
tested in each service that adopts it, with the service's own routes and tables."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import pytest
from sqlalchemy import Engine, Table, delete, func, select, update
from sqlalchemy.exc import DBAPIError


def count_rows(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def check_operator_wide_needs_every_estate(client: Any, auth: Callable[..., dict[str, str]], engine: Engine,
                                           url: str, body: Mapping[str, Any], table: Table, role: str) -> None:
    """A caller of ``role`` scoped to one estate posting ``body`` (no estate: for every estate) to
    ``url`` gets servicekit.access's 422 whether the estate is left out or null, and nothing is
    written; an operator admin of every estate makes the row (201)."""
    scoped = auth(role, [str(uuid.uuid4())])
    for sent in (dict(body), {**body, "estate_id": None}):
        answer = client.post(url, json=sent, headers=scoped)
        assert answer.status_code == 422, answer.json
        assert answer.json["errors"] == {"json": {"estate_id": ["is required"]}}
        assert "every estate" in answer.json["detail"]
    assert count_rows(engine, table) == 0
    made = client.post(url, json=dict(body), headers=auth())
    assert made.status_code == 201, made.json
    assert made.json["estate_id"] is None


def check_one_refusal_everywhere(client: Any, auth: Callable[..., dict[str, str]],
                                 routes: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """The operator-wide refusal is the same answer, in English and in Chinese, on every route."""
    scoped = auth("operator_admin", [str(uuid.uuid4())])
    answers = [client.post(url, json=dict(body), headers=scoped).json for url, body in routes]
    assert len({(a["detail"], str(a["errors"])) for a in answers}) == 1
    chinese = {client.post(url, json=dict(body), headers={**scoped, "Accept-Language": "zh-CN"}).json["detail"]
               for url, body in routes}
    assert len(chinese) == 1 and "所有小区" in chinese.pop()


def check_append_only(engine: Engine, table: Table, row: Mapping[str, Any], column: str) -> None:
    """``row`` written to ``table`` can be neither changed (``column``) nor deleted: the database refuses."""
    with engine.begin() as conn:
        conn.execute(table.insert().values(dict(row)))
    for statement in (update(table).values({column: "changed"}), delete(table)):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        assert [r[column] for r in conn.execute(select(table)).mappings()] == [row[column]]
