"""What callers can do with household imports: import an estate's households from CSV (住户导入) —
buildings, units, people, their move-ins and contact order — the way a company moves an estate onto
the system in one go.

The whole file is one transaction and every record it creates is announced by the same events
the API records (building.added, unit.added, person.registered, occupant.moved_in,
unit.contacts_changed), through the outbox, in that same transaction. Rows are written a
thousand units at a time with executemany, and the events of each batch go to the outbox right
after it, so a 100,000-household file never holds all its rows and events in memory.

Importing the same file again changes nothing: buildings and units are matched by code and
number, people by name and mobile (or e-mail, or name within the unit), and a person already
living in a unit is left as they are.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Table, bindparam, delete, insert, select, update

from owners import events
from owners.companies.use_cases import extend_company, record_company
from owners.domain.companies import MAX_CONTACTS as MAX_COMPANY_CONTACTS
from owners.domain.companies import units_of
from owners.domain.contacts import ContactKind, last4
from owners.domain.errors import Invalid
from owners.domain.households import (
    BadRow,
    HouseholdRow,
    InvalidFile,
    decode,
    merged_person,
    read_households,
)
from owners.domain.people import preferred_channel
from owners.tables import (
    buildings,
    companies,
    contact_points,
    estates,
    occupancies,
    people,
    unit_contacts,
    units,
)
from servicekit.bulk import insert_rows
from servicekit.errors import Message
from servicekit.ids import new_uuid
from servicekit.rows import constraint_errors, get_row, now, write
from servicekit.unit_of_work import UnitOfWork

UNITS_PER_BATCH = 1000
_CONCURRENT = Message("the estate's buildings or units changed during the import; nothing was imported, try again",
                      "导入期间本小区的楼栋或房屋有变动，未导入任何数据，请重新导入")


@dataclass
class ImportReport:
    """What an import did: counts of what it added, and the rows it skipped with why."""

    estate_id: UUID
    rows: int = 0
    imported_rows: int = 0
    unchanged_rows: int = 0
    buildings_added: int = 0
    units_added: int = 0
    people_registered: int = 0
    moved_in: int = 0
    contact_lists_changed: int = 0
    companies_added: int = 0
    companies_changed: int = 0
    events: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)


def import_households(uow: UnitOfWork, estate_id: UUID, data: bytes, *, skip_bad_rows: bool = False,
                      today: date | None = None) -> ImportReport:
    """Import the households of one estate from a CSV file's bytes, all or nothing.

    Every row is checked first; a bad row means nothing is imported (:class:`Invalid` lists every
    bad row with its line number) unless ``skip_bad_rows``, in which case the good rows are
    imported and the bad ones reported. A blank move-in date is ``today``.
    """
    rows, bad = read_file(data)
    refuse_bad_rows(bad, len(rows) + len(bad), skip_bad_rows)
    with uow:
        get_row(uow, estates, estate_id, "estate", what_zh="小区", lock=True)  # one import of an estate at a time
        report = record_households(uow, estate_id, rows, today=today or date.today(), skip_bad_rows=skip_bad_rows)
        uow.commit()
    report.rows += len(bad)
    report.bad_rows = sorted(bad + report.bad_rows, key=lambda b: b.line)
    return report


def read_file(data: bytes) -> tuple[list[HouseholdRow], list[BadRow]]:
    """The file's good and bad rows; a file that cannot be read at all is :class:`Invalid`."""
    try:
        return read_households(decode(data))
    except InvalidFile as exc:
        raise Invalid(f"line {exc.line}: {exc}", f"第 {exc.line} 行：{exc.zh}",
                      errors={"rows": [BadRow(exc.line, {"file": [str(exc)]}).as_dict()]}) from exc


def refuse_bad_rows(bad: Sequence[BadRow], total: int, skip_bad_rows: bool) -> None:
    if bad and not skip_bad_rows:
        raise Invalid(f"{len(bad)} of {total} rows are bad; nothing was imported",
                      f"共 {total} 行中有 {len(bad)} 行有误，未导入任何数据",
                      errors={"rows": [b.as_dict() for b in bad]})


def record_households(uow: UnitOfWork, estate_id: UUID, rows: Sequence[HouseholdRow], *, today: date,
                      skip_bad_rows: bool = False) -> ImportReport:
    """Write checked rows into the estate inside the caller's open unit of work (the caller
    commits); the demo loader shares this with the import."""
    known = _Known.load(uow, estate_id)
    bad = known.check_floors(rows)
    refuse_bad_rows(bad, len(rows), skip_bad_rows)
    bad_lines = {b.line for b in bad}
    good = [r for r in rows if r.line not in bad_lines]
    writer = _Writer(uow, estate_id, known, today, good)
    writer.add_buildings(good)
    for batch in _batches(_rows_by_unit(good), UNITS_PER_BATCH):
        for unit_rows in batch:
            writer.add_household(unit_rows)
        writer.flush()
    writer.add_companies(good)
    writer.report.rows = len(rows)
    writer.report.bad_rows = bad
    return writer.report


@dataclass
class _Known:
    """What the estate holds already, keyed the way rows name things."""

    buildings: dict[str, tuple[UUID, int | None]]
    units: dict[tuple[str, str], UUID]
    people: dict[tuple[str, ...], UUID]
    occupied: set[tuple[UUID, UUID]]
    contacts: dict[UUID, list[UUID]]
    contacts_versions: dict[UUID, int] = field(default_factory=dict)  # of the units the estate has
    companies: dict[str, UUID] = field(default_factory=dict)  # the estate's companies by name

    @classmethod
    def load(cls, uow: UnitOfWork, estate_id: UUID) -> _Known:
        known = cls(buildings={}, units={}, people={}, occupied=set(), contacts=defaultdict(list))
        for b in uow.execute(select(buildings.c.code, buildings.c.id, buildings.c.floors)
                             .where(buildings.c.estate_id == estate_id)):
            known.buildings[b.code] = (b.id, b.floors)
        for u in uow.execute(select(buildings.c.code, units.c.number, units.c.id, units.c.contacts_version)
                             .join(buildings, buildings.c.id == units.c.building_id)
                             .where(units.c.estate_id == estate_id)):
            known.units[(u.code, u.number)] = u.id
            known.contacts_versions[u.id] = u.contacts_version
        for p in uow.execute(select(people.c.id, people.c.name, contact_points.c.kind, contact_points.c.value)
                             .join(contact_points, contact_points.c.person_id == people.c.id)
                             .where(people.c.estate_id == estate_id, contact_points.c.kind.in_(("mobile", "email")))):
            known.people.setdefault((p.kind, p.name, p.value), p.id)
        known._load_occupants(uow, estate_id)
        known.companies = {c.name: c.id for c in uow.execute(select(companies.c.name, companies.c.id)
                                                             .where(companies.c.estate_id == estate_id))}
        for c in uow.execute(select(unit_contacts.c.unit_id, unit_contacts.c.person_id)
                             .where(unit_contacts.c.estate_id == estate_id)
                             .order_by(unit_contacts.c.unit_id, unit_contacts.c.position)):
            known.contacts[c.unit_id].append(c.person_id)
        return known

    def _load_occupants(self, uow: UnitOfWork, estate_id: UUID) -> None:
        statement = (select(occupancies.c.unit_id, occupancies.c.person_id, people.c.name, buildings.c.code,
                            units.c.number)
                     .join(people, people.c.id == occupancies.c.person_id)
                     .join(units, units.c.id == occupancies.c.unit_id)
                     .join(buildings, buildings.c.id == units.c.building_id)
                     .where(occupancies.c.estate_id == estate_id, occupancies.c.moved_out_on.is_(None)))
        for o in uow.execute(statement):
            self.occupied.add((o.unit_id, o.person_id))
            self.people.setdefault(("unit", o.name, o.code, o.number), o.person_id)

    def check_floors(self, rows: Iterable[HouseholdRow]) -> list[BadRow]:
        """A new unit cannot sit above the top floor of a building the estate already has."""
        bad = []
        for row in rows:
            top = self.buildings.get(row.building, (None, None))[1]
            if row.unit_key not in self.units and row.floor is not None and top is not None and row.floor > top:
                bad.append(BadRow(row.line, {"floor": [f"building {row.building} has {top} floors"]}))
        return bad


class _Writer:
    """Turns rows into table rows and events, and writes them a batch at a time."""

    def __init__(self, uow: UnitOfWork, estate_id: UUID, known: _Known, today: date,
                 rows: Sequence[HouseholdRow]) -> None:
        self.uow, self.estate_id, self.known, self.today = uow, estate_id, known, today
        self.stamp = now()
        self.report = ImportReport(estate_id)
        self.people_ids = dict(known.people)
        self.particulars = _particulars(rows)
        self.pending: dict[Table, list[dict[str, Any]]] = {
            t: [] for t in (units, people, contact_points, occupancies, unit_contacts)}
        self.replaced_contacts: list[UUID] = []
        self.new_units: dict[UUID, dict[str, Any]] = {}  # this batch's, by id
        self.contacts_bumped: list[dict[str, Any]] = []  # existing units whose contact list changes
        self.placed: dict[int, tuple[UUID, UUID]] = {}  # a row's line: its unit and person

    def add_buildings(self, rows: Sequence[HouseholdRow]) -> None:
        names: dict[str, str | None] = {}
        for row in rows:
            if row.building not in self.known.buildings and not names.get(row.building):
                names[row.building] = row.building_name
        new = [self._building(code, name) for code, name in names.items()]
        if new:
            write(self.uow, insert(buildings), new, conflict=_CONCURRENT)
            self.report.events += self.uow.flush_events()

    def _building(self, code: str, name: str | None) -> dict[str, Any]:
        row = {"id": new_uuid(), "estate_id": self.estate_id, "code": code, "name": name or f"{code}栋",
               "floors": None, "version": 1, "created_at": self.stamp, "updated_at": self.stamp}
        self.known.buildings[code] = (row["id"], None)
        self.uow.record(events.BUILDING_ADDED, row["id"], events.building_payload(row))
        self.report.buildings_added += 1
        return row

    def add_household(self, rows: Sequence[HouseholdRow]) -> None:
        """The rows of one unit: the unit, each person in it, their move-in, the contact order."""
        unit_id = self._unit(rows)
        order: list[tuple[int, UUID]] = []
        for row in rows:
            person_id = self._person(row)
            if (unit_id, person_id) in self.known.occupied:
                self.report.unchanged_rows += 1
            else:
                self._move_in(row, unit_id, person_id)
                self.report.imported_rows += 1
            if row.contact_order is not None:
                order.append((row.contact_order, person_id))
            self.placed[row.line] = (unit_id, person_id)
        if order:
            self._contacts(unit_id, [person_id for _, person_id in sorted(order)])

    def _unit(self, rows: Sequence[HouseholdRow]) -> UUID:
        first = rows[0]
        existing = self.known.units.get(first.unit_key)
        if existing is not None:
            return existing
        row = {"id": new_uuid(), "estate_id": self.estate_id, "building_id": self.known.buildings[first.building][0],
               "number": first.unit, "floor": _first(r.floor for r in rows), "area_m2": _first(r.area_m2 for r in rows),
               "version": 1, "contacts_version": 0, "created_at": self.stamp, "updated_at": self.stamp}
        self.pending[units].append(row)
        self.new_units[row["id"]] = row
        self.uow.record(events.UNIT_ADDED, row["id"], events.unit_payload(row))
        self.report.units_added += 1
        return row["id"]

    def _person(self, row: HouseholdRow) -> UUID:
        known = self.people_ids.get(row.person_key)
        if known is not None:
            return known
        draft = self.particulars[row.person_key]
        points = _contact_points(draft)
        channel = _channel(draft.preferred_channel, tuple((cp["kind"], cp["preferred"]) for cp in points))
        person = {"id": new_uuid(), "estate_id": self.estate_id, "name": draft.name,
                  "language": draft.language or "zh-CN", "preferred_channel": channel, "note": "", "version": 1,
                  "created_at": self.stamp, "updated_at": self.stamp}
        self.pending[people].append(person)
        self.pending[contact_points].extend(
            {"id": new_uuid(), "estate_id": self.estate_id, "person_id": person["id"], **cp} for cp in points)
        self.uow.record(events.PERSON_REGISTERED, person["id"], events.person_payload(person, points))
        self.people_ids[row.person_key] = person["id"]
        self.report.people_registered += 1
        return person["id"]

    def _move_in(self, row: HouseholdRow, unit_id: UUID, person_id: UUID) -> None:
        occupancy = {"id": new_uuid(), "estate_id": self.estate_id, "unit_id": unit_id, "person_id": person_id,
                     "role": row.role, "moved_in_on": row.moved_in_on or self.today, "moved_out_on": None,
                     "version": 1, "created_at": self.stamp, "updated_at": self.stamp}
        self.pending[occupancies].append(occupancy)
        self.known.occupied.add((unit_id, person_id))
        self.uow.record(events.OCCUPANT_MOVED_IN, occupancy["id"], events.occupancy_payload(occupancy))
        self.report.moved_in += 1

    def _contacts(self, unit_id: UUID, order: list[UUID]) -> None:
        """The file's contact order replaces the unit's (as ``PUT`` of a unit's contacts does)."""
        if self.known.contacts.get(unit_id) == order:
            return
        if unit_id in self.known.contacts:
            self.replaced_contacts.append(unit_id)
        self.pending[unit_contacts].extend({"unit_id": unit_id, "position": i, "estate_id": self.estate_id,
                                            "person_id": p} for i, p in enumerate(order, start=1))
        if unit_id in self.new_units:
            version = self.new_units[unit_id]["contacts_version"] = 1
        else:
            version = self.known.contacts_versions[unit_id] + 1
            self.contacts_bumped.append({"b_id": unit_id, "b_version": version})
        self.uow.record(events.UNIT_CONTACTS_CHANGED, unit_id,
                        events.unit_contacts_payload(self.estate_id, unit_id, order, version))
        self.report.contact_lists_changed += 1

    def add_companies(self, rows: Sequence[HouseholdRow]) -> None:
        """The companies the rows name (OWN-11), in the order they first appear: each occupies its rows'
        units, and its rows' people are its contacts in row order. A company the estate has already
        occupies the rows' units as well and takes the rows' people it lacks as further contacts (an
        import adds, never takes away: a company leaving a unit is ``PATCH /api/v1/companies/{id}``)."""
        named: dict[str, tuple[list[UUID], list[dict[str, Any]]]] = {}
        for row in rows:
            if row.company is None:
                continue
            unit_ids, contacts = named.setdefault(row.company, ([], []))
            unit_id, person_id = self.placed[row.line]
            if unit_id not in unit_ids:
                unit_ids.append(unit_id)
            if person_id not in [c["person_id"] for c in contacts]:
                contacts.append({"person_id": person_id, "title": row.company_title or ""})
        for name, (unit_ids, contacts) in named.items():
            if name in self.known.companies:
                if extend_company(self.uow, self.known.companies[name], unit_ids, contacts):
                    self.report.companies_changed += 1
                continue
            company = {"id": new_uuid(), "estate_id": self.estate_id, "name": name, "credit_code": "", "note": "",
                       "version": 1, "created_at": self.stamp, "updated_at": self.stamp}
            write(self.uow, insert(companies).values(company), conflict=_CONCURRENT)
            record_company(self.uow, company, units_of(unit_ids), contacts[:MAX_COMPANY_CONTACTS], added=True)
            self.report.companies_added += 1
        if named:
            self.report.events += self.uow.flush_events()

    def flush(self) -> None:
        """Write the batch's rows, parents first, then its events, in the open transaction."""
        if self.replaced_contacts:
            self.uow.execute(delete(unit_contacts).where(unit_contacts.c.unit_id.in_(self.replaced_contacts)))
            self.replaced_contacts = []
        if self.contacts_bumped:
            self.uow.execute(update(units).where(units.c.id == bindparam("b_id"))
                             .values(contacts_version=bindparam("b_version")), self.contacts_bumped)
            self.contacts_bumped = []
        self.new_units = {}
        with constraint_errors(conflict=_CONCURRENT):
            for table, rows in self.pending.items():
                insert_rows(self.uow.session, table, rows)
                rows.clear()
        self.report.events += self.uow.flush_events()


def _particulars(rows: Iterable[HouseholdRow]) -> dict[tuple[str, ...], HouseholdRow]:
    """Each person's particulars from all their rows (a blank on one row is filled from another)."""
    found: dict[tuple[str, ...], HouseholdRow] = {}
    for row in rows:
        first = found.setdefault(row.person_key, row)
        if first is not row:
            found[row.person_key] = merged_person(first, row)
    return found


@functools.lru_cache(maxsize=64)
def _channel(requested: str | None, points: tuple[tuple[str, bool], ...]) -> str:
    """``preferred_channel`` of a person whose contact points are of these kinds (and preferred or
    not): it depends on nothing else, and a file has a handful of such shapes for 100,000 people."""
    return preferred_channel(requested, [{"kind": kind, "preferred": preferred} for kind, preferred in points]).value


def _contact_points(person: HouseholdRow) -> list[dict[str, Any]]:
    """A person's mobile and e-mail, as ``contact_points_of`` writes them down; the one that carries
    their preferred channel is preferred (exactly one). The values were normalised when the row was
    read (``domain.households``), so they are not normalised again: that doubled the cost of each
    person on a 100,000-household file."""
    points = []
    if person.mobile:
        points.append({"kind": "mobile", "value": person.mobile, "last4": last4(ContactKind.MOBILE, person.mobile),
                       "label": "", "preferred": person.preferred_channel != "email"})
    if person.email:
        points.append({"kind": "email", "value": person.email, "last4": last4(ContactKind.EMAIL, person.email),
                       "label": "", "preferred": person.preferred_channel == "email" or not person.mobile})
    return points


def _rows_by_unit(rows: Iterable[HouseholdRow]) -> list[list[HouseholdRow]]:
    """Rows grouped by unit, units in the order the file first names them."""
    grouped: dict[tuple[str, str], list[HouseholdRow]] = {}
    for row in rows:
        grouped.setdefault(row.unit_key, []).append(row)
    return list(grouped.values())


def _batches(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _first(values: Iterable[Any]) -> Any:
    return next((v for v in values if v is not None), None)
