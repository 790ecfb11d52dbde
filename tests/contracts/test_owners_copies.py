"""The core copies of owners' entities that servicekit.owners_copies declares once for every consumer
read only what owners documents: each event of each copy has a schema, and every column's field is
one of that schema's properties (a renamed field in owners fails here, not in three consumers)."""

from __future__ import annotations

import pytest
from sqlalchemy import MetaData

from servicekit import owners_copies
from servicekit.copies import copy_handlers

DECLARED = [owners_copies.estates, owners_copies.buildings, owners_copies.units, owners_copies.people,
            owners_copies.occupancies, owners_copies.staff, owners_copies.territories, owners_copies.companies]


@pytest.mark.parametrize("declare", DECLARED, ids=lambda d: d.__name__)
def test_every_column_of_a_core_copy_reads_a_field_owners_documents(declare, contracts) -> None:
    table = declare(MetaData())
    for type_, handler in copy_handlers(table).items():
        schema = contracts.validator(contracts.schema_path(type_)).schema
        documented = set(schema["properties"])
        read = {column.field for column in handler.copy.columns if column.per_event is None}
        assert read | {handler.copy.key, "version"} <= documented, (type_, sorted(read - documented))
