"""A copy of another service's entity, declared once (servicekit.copies.entity_copy): the table it
makes, how each column is read from an event, and the handlers' map. No database: the table is
only inspected and the events only read."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import JSON, Boolean, Date, Integer, MetaData, String, Table, Uuid, text

from servicekit.copies import CopyHandler, copied, copy_handlers, entity_copy, preferred, preferred_contact
from servicekit.envelope import CloudEvent

ASSIGNED, RELEASED = "owners.territory.assigned.v1", "owners.territory.released.v1"


def _event(type_: str, **data: object) -> CloudEvent:
    return CloudEvent(type=type_, source="/estatedesk/owners", subject="s", data=dict(data))


def _people(metadata: MetaData) -> Table:
    return entity_copy(
        "people", metadata,
        copied("estate_id", Uuid, index=True),
        copied("name", String(100)),
        copied("language", String(10), default="zh-CN", server_default="zh-CN"),
        copied("mobile", String(32), nullable=True, field="contact_points", read=preferred_contact("mobile")),
        copied("moved_in_on", Date, nullable=True),
        copied("skills", JSON, read=lambda skills: sorted(set(skills or ()))),
        copied("active", Boolean, default=True),
        key="person_id", events=("owners.person.registered.v1", "owners.person.updated.v1"),
    )


def test_the_table_is_the_id_the_declared_columns_and_the_version() -> None:
    table = _people(MetaData())
    assert [c.name for c in table.columns] == ["id", "estate_id", "name", "language", "mobile", "moved_in_on",
                                               "skills", "active", "version"]
    assert [c.name for c in table.primary_key] == ["id"] and isinstance(table.c.id.type, Uuid)
    assert isinstance(table.c.version.type, Integer) and not table.c.version.nullable
    assert not table.c.version.server_default  # the producer's version, never a default of ours
    assert [c.name for c in table.columns if c.nullable] == ["mobile", "moved_in_on"]
    assert table.c.estate_id.index and table.c.language.server_default.arg == "zh-CN"


def test_the_same_declaration_makes_a_fresh_table_in_each_metadata() -> None:
    first, second = _people(MetaData()), _people(MetaData())
    assert first.c.name is not second.c.name and [c.name for c in first.c] == [c.name for c in second.c]


def test_a_column_is_read_by_its_type_its_default_or_its_function() -> None:
    people = copy_handlers(_people(MetaData()))["owners.person.registered.v1"]
    assert isinstance(people, CopyHandler)
    estate = uuid.uuid4()
    event = _event("owners.person.registered.v1", person_id=str(uuid.uuid4()), estate_id=str(estate), name="张伟",
                   language="", moved_in_on="2024-05-01", skills=["gas", "plumbing", "gas"], active=False,
                   contact_points=[{"kind": "mobile", "value": "139"}, {"kind": "mobile", "value": "138",
                                                                         "preferred": True}])
    values = {c.name: c.value(event) for c in people.copy.columns}
    assert values == {"estate_id": estate, "name": "张伟", "language": "zh-CN", "mobile": "138",
                      "moved_in_on": date(2024, 5, 1), "skills": ["gas", "plumbing"], "active": False}


def test_an_absent_optional_field_is_none_and_an_absent_default_is_the_default() -> None:
    people = copy_handlers(_people(MetaData()))["owners.person.updated.v1"]
    event = _event("owners.person.updated.v1", estate_id=str(uuid.uuid4()), name="李娜")
    values = {c.name: c.value(event) for c in people.copy.columns}
    assert (values["language"], values["mobile"], values["moved_in_on"], values["skills"], values["active"]) == \
        ("zh-CN", None, None, [], True)


def test_a_required_field_missing_from_the_event_fails_the_event() -> None:
    people = copy_handlers(_people(MetaData()))["owners.person.updated.v1"]
    event = _event("owners.person.updated.v1", estate_id=str(uuid.uuid4()))  # no name
    with pytest.raises(KeyError, match="name"):
        [c.value(event) for c in people.copy.columns]


def _territories(metadata: MetaData, released: dict[str, bool]) -> Table:
    return entity_copy(
        "territories", metadata,
        copied("staff_id", Uuid),
        copied("released", Boolean, server_default=text("false"), per_event=released),
        key="territory_id", events=(ASSIGNED, RELEASED),
    )


def test_a_constant_per_event_type_is_read_from_the_events_type() -> None:
    handlers = copy_handlers(_territories(MetaData(), {ASSIGNED: False, RELEASED: True}))
    staff = uuid.uuid4()
    for type_, released in ((ASSIGNED, False), (RELEASED, True)):
        values = {c.name: c.value(_event(type_, staff_id=str(staff))) for c in handlers[type_].copy.columns}
        assert values == {"staff_id": staff, "released": released}


def test_a_constant_per_event_type_must_name_exactly_the_copys_events() -> None:
    with pytest.raises(ValueError, match=r"territories.released: per_event names"):
        _territories(MetaData(), {ASSIGNED: False})


def test_the_handlers_map_every_event_of_every_copy_and_refuse_an_event_claimed_twice() -> None:
    metadata = MetaData()
    people, territories = _people(metadata), _territories(metadata, {ASSIGNED: False, RELEASED: True})
    handlers = copy_handlers(people, territories)
    assert set(handlers) == {"owners.person.registered.v1", "owners.person.updated.v1", ASSIGNED, RELEASED}
    assert handlers[ASSIGNED].table is territories and handlers["owners.person.updated.v1"].table is people
    twice = entity_copy("again", metadata, copied("name", String(10)), key="id", events=(ASSIGNED,))
    with pytest.raises(ValueError, match=f"{ASSIGNED} is applied to two copies"):
        copy_handlers(territories, twice)
    with pytest.raises(ValueError, match="plain is not a copy"):
        copy_handlers(Table("plain", metadata))


def test_the_preferred_contact_point_of_a_kind_else_the_first_else_none() -> None:
    points = [{"kind": "mobile", "value": "13800000001", "preferred": False},
              {"kind": "email", "value": "a@example.com", "preferred": False},
              {"kind": "mobile", "value": "13800000002", "preferred": True}]
    assert preferred(points, "mobile") == "13800000002"
    assert preferred(points, "email") == "a@example.com"
    assert preferred(points, "other") is None and preferred(None, "mobile") is None
    assert preferred_contact("mobile")([{"kind": "mobile", "value": ""}, "junk", {"kind": "mobile", "value": "139"}]) \
        == "139"


def test_a_core_copy_of_owners_takes_the_columns_a_service_adds() -> None:
    from sqlalchemy import Integer, MetaData

    from servicekit import owners_copies

    units = owners_copies.units(MetaData(), copied("floor", Integer, nullable=True))
    assert [c.name for c in units.columns] == ["id", "estate_id", "building_id", "number", "floor", "version"]
    handler = copy_handlers(units)["owners.unit.updated.v1"]
    assert [c.name for c in handler.copy.columns][-1] == "floor"
    staff = owners_copies.staff(MetaData())
    assert set(copy_handlers(staff)) == set(owners_copies.STAFF_EVENTS)
