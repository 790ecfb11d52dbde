"""The tables a new ticket writes carry no index another index already leads with: each one is
written on every ticket opened and would serve no query the longer one does not."""

import pytest
from sqlalchemy import inspect

# What opening a ticket writes: the ticket, its first step, its deadlines, its event.
WRITTEN_ON_OPENING = ("tickets", "ticket_steps", "deadlines", "outbox")


def leading_columns(engine, table: str) -> dict[str, tuple[str, ...]]:  # noqa: ANN001
    """Every whole-table index of ``table`` (primary key and unique constraints included) by name:
    its columns in order. Partial indexes cover some rows only and are left out."""
    found = inspect(engine)
    indexes = {i["name"]: tuple(i["column_names"]) for i in found.get_indexes(table)
               if not i.get("dialect_options", {}).get("postgresql_where")}
    indexes |= {u["name"]: tuple(u["column_names"]) for u in found.get_unique_constraints(table)}
    primary = found.get_pk_constraint(table)
    indexes[primary["name"] or "primary key"] = tuple(primary["constrained_columns"])
    return indexes


@pytest.mark.parametrize("table", WRITTEN_ON_OPENING)
def test_no_index_repeats_the_lead_of_another(engine, table: str) -> None:  # noqa: ANN001
    if engine.dialect.name != "postgresql":
        pytest.skip("the indexes PostgreSQL keeps (SQLite reports partial indexes as whole ones)")
    indexes = leading_columns(engine, table)
    redundant = sorted(f"{name} {columns} leads {other} {longer}"
                       for name, columns in indexes.items() for other, longer in indexes.items()
                       if other != name and len(longer) > len(columns) and longer[:len(columns)] == columns)
    assert redundant == []
