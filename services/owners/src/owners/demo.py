"""The demo estate: 阳光花园 (code ``DEMO``), about 1,200 households, its service-desk team and the
management office's departments (customer service, engineering, security, cleaning, finance), each
with its supervisor, its register of lifts, pumps, gates, car park and fire system, two office
companies renting ground-floor units, its owners' committee with a log of contacts, a few prospects,
and a service contract generated for an owner.

``owners load-demo`` (run by ``make run``) loads it once; later runs find it and only print its id
(the last word of the output either way; servicekit.demo is the command's frame).
The households go through the household import (a CSV written in memory), so the demo emits
exactly the events a real import does; the estate, the households and the team are one transaction.

Every name is made up by a seeded generator, and every phone number is in the range
``154 xxxx xxxx``: 154 is not assigned to any mobile operator in mainland China's numbering plan,
so no demo or test number can reach a real person. E-mails use ``example.com``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select

from owners import events
from owners.companies.use_cases import record_company
from owners.documents.docx import render, template_docx
from owners.domain.companies import units_of
from owners.domain.departments import SUGGESTED, members_of
from owners.domain.documents import filename as document_filename
from owners.domain.households import read_households
from owners.domain.staff import StaffRole, skills_of
from owners.household_imports.use_cases import ImportReport, record_households
from owners.tables import (
    buildings,
    committee_contacts,
    committee_members,
    committees,
    companies,
    department_members,
    departments,
    document_templates,
    documents,
    equipment,
    estates,
    occupancies,
    people,
    prospect_activities,
    prospects,
    staff,
    territories,
    units,
)
from servicekit.demo import Demo, DemoRun
from servicekit.rows import now
from servicekit.unit_of_work import UnitOfWork

CODE = "DEMO"
ESTATE = {"code": CODE, "name": "阳光花园", "city": "深圳", "address": "深圳市南山区示例路 1 号（虚构）"}
AREAS = ("89.50", "120.00", "143.20", "76.80", "105.30")  # by room number on a floor
FICTIONAL_MOBILE_PREFIX = "154"  # unassigned in mainland China: see the module docstring
SEED = 20240501

# Common surnames, the commonest more than once so that "王" or "张" finds many, as in life.
SURNAMES = ("王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁"
            "谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈")
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文辉力鹏宇浩然子轩雨涵欣怡梓晨思远嘉"
HOUSEHOLD_COLUMNS = ("building", "building_name", "unit", "floor", "area_m2", "role", "name", "mobile", "email",
                     "language", "preferred_channel", "moved_in_on", "contact_order")

# The service-desk team: (name, role, skills, buildings covered; None is the whole estate).
# (An empty tuple: no territory.)
TEAM: tuple[tuple[str, StaffRole, tuple[str, ...], tuple[int, ...] | None], ...] = (
    ("周海燕", StaffRole.FIRST_RESPONSIBLE, ("customer_service",), None),
    ("孙志刚", StaffRole.ESTATE_MANAGER, ("customer_service",), None),
    ("林晓彤", StaffRole.SERVICE_DESK_AGENT, ("customer_service",), None),
    ("郑丽娟", StaffRole.SERVICE_DESK_AGENT, ("customer_service",), None),
    ("何俊杰", StaffRole.SERVICE_DESK_AGENT, ("customer_service",), None),
    ("马建国", StaffRole.TECHNICIAN, ("plumbing", "gas"), (1, 2, 3, 4)),
    ("高文斌", StaffRole.TECHNICIAN, ("plumbing", "hvac"), (5, 6, 7, 8)),
    ("罗永强", StaffRole.TECHNICIAN, ("electrical", "access_control"), (1, 2, 3, 4)),
    ("谢宏伟", StaffRole.TECHNICIAN, ("electrical", "fire_safety"), (5, 6, 7, 8)),
    ("唐志明", StaffRole.TECHNICIAN, ("locks", "carpentry", "painting"), None),
    ("冯国庆", StaffRole.TECHNICIAN, ("lifts",), None),
    # Every complaint is reported to the supervisor at once (tickets' escalation rules): without one
    # the demo's escalations would go up the chain and the estate would show a configuration warning.
    ("吴佳琪", StaffRole.SUPERVISOR, ("customer_service",), None),
    # Security and cleaning (OWN-9 departments): no ground of their own, so dispatch gives them work
    # only where a ticket names their department or asks for their skill.
    ("黄志勇", StaffRole.SECURITY_GUARD, ("security",), ()),
    ("郭立新", StaffRole.SECURITY_GUARD, ("security", "access_control"), ()),
    ("刘秀英", StaffRole.CLEANER, ("cleaning",), ()),
    ("蔡玉兰", StaffRole.CLEANER, ("cleaning", "landscaping"), ()),
)

# The management office's departments (OWN-9), made from the operator's templates: code, then the
# supervisor and the members by name. A member may be in two (the estate manager keeps the books).
DEPARTMENTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("customer_service", "吴佳琪", ("吴佳琪", "林晓彤", "郑丽娟", "何俊杰")),
    ("engineering", "冯国庆", ("马建国", "高文斌", "罗永强", "谢宏伟", "唐志明", "冯国庆")),
    ("security", "黄志勇", ("黄志勇", "郭立新")),
    ("cleaning", "刘秀英", ("刘秀英", "蔡玉兰")),
    ("finance", "孙志刚", ("孙志刚",)),
)


def _loaded(run: DemoRun) -> str | None:
    with run.sessions() as session:
        estate_id = session.execute(select(estates.c.id).where(estates.c.code == CODE)).scalar()
    if estate_id is None:
        return None
    return f"demo estate {ESTATE['name']} ({CODE}) is already loaded; estate id: {estate_id}"


def _load(run: DemoRun) -> str:
    estate_id, report, team = load_demo_estate(run.unit_of_work())
    return (f"loaded demo estate {ESTATE['name']} ({CODE}): {report.units_added} households, "
            f"{report.people_registered} people, {team} staff; estate id: {estate_id}")


def load_demo_estate(uow: UnitOfWork) -> tuple[UUID, ImportReport, int]:
    """The estate, its households and its team, in one transaction; returns the estate id, the
    import report and the size of the team."""
    with uow:
        estate_id = _register_estate(uow)
        rows, bad = read_households(demo_households_csv(failing_owners=DEMO_FAILING_OWNERS))
        if bad:  # the generator writes only good rows; a bad one is a bug in this module
            raise AssertionError(f"the demo households have bad rows: {bad[:3]}")
        report = record_households(uow, estate_id, rows, today=date.today())
        team = _add_team(uow, estate_id)
        _add_departments(uow, estate_id)
        _add_equipment(uow, estate_id)
        _add_companies(uow, estate_id)
        _add_committee(uow, estate_id)
        _add_prospects(uow, estate_id)
        _add_contract(uow, estate_id)
        uow.commit()
    return estate_id, report, team


def _register_estate(uow: UnitOfWork) -> UUID:
    stamp = now()
    row = {"id": uuid.uuid4(), **ESTATE, "version": 1, "created_at": stamp, "updated_at": stamp}
    uow.execute(insert(estates).values(row))
    uow.record(events.ESTATE_REGISTERED, row["id"], events.estate_payload(row))
    return row["id"]


@dataclass(frozen=True)
class Layout:
    """An estate of identical towers: units are numbered entrance-floor-room, "2-1202"."""

    buildings: int = 8
    entrances: int = 2
    floors: int = 25
    rooms: int = 3

    @property
    def units(self) -> int:
        return self.buildings * self.entrances * self.floors * self.rooms


DEMO_LAYOUT = Layout()  # 1,200 units, one household each

# notify's SMS stand-in (`make run`) fails every number ending in this (its SMS_STANDIN_FAIL_SUFFIX,
# 397 by default), so README's notify story has households the SMS does not reach. Each of them
# has an e-mail address, so that README's "resend by e-mail" reaches them as written. Besides the
# residents whose numbers end so anyway, the demo estate gives this many more owners such a number
# (1548<their number>397: the 1548 block is never issued here, so no number is shared).
FAILING_SUFFIX = "397"
DEMO_FAILING_OWNERS = 3


def demo_households_csv(layout: Layout = DEMO_LAYOUT, *, seed: int = SEED, first_number: int = 0,
                        failing_owners: int = 0) -> str:
    """Made-up households as a household CSV (docs/household-import.md), the same for the same
    arguments; mobiles are numbered on from ``first_number`` so that estates do not share them.
    ``failing_owners`` owners, spread over the estate, get a number the SMS stand-in fails
    (:data:`FAILING_SUFFIX`); whoever has such a number has an e-mail address too. Nothing else
    changes: the generator draws the same numbers either way."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HOUSEHOLD_COLUMNS)
    people = _People(random.Random(seed), issued=first_number)
    spacing = max(layout.units // max(failing_owners, 1), 1)
    households = 0
    for building in range(1, layout.buildings + 1):
        for entrance in range(1, layout.entrances + 1):
            for floor in range(1, layout.floors + 1):
                for room in range(1, layout.rooms + 1):
                    place = {"building": str(building), "building_name": f"{building}栋",
                             "unit": f"{entrance}-{floor}{room:02d}", "floor": floor,
                             "area_m2": AREAS[(room - 1) % len(AREAS)]}
                    members = people.household()
                    households += 1
                    due = failing_owners > 0 and households >= spacing // 2 + spacing * (DEMO_FAILING_OWNERS
                                                                                         - failing_owners)
                    if due and members[0]["role"] == "owner":  # one living in the unit, not a landlord
                        members[0] = {**members[0], "mobile": f"{FICTIONAL_MOBILE_PREFIX}8"
                                      f"{int(members[0]['mobile'][-4:]):04d}{FAILING_SUFFIX}"}
                        failing_owners -= 1
                    for person in members:
                        writer.writerow([{**place, **_reachable_by_email(person)}.get(c, "")
                                         for c in HOUSEHOLD_COLUMNS])
    return out.getvalue()


def _reachable_by_email(person: dict[str, Any]) -> dict[str, Any]:
    """A resident whose number the SMS stand-in fails has an e-mail address (and does not prefer
    it, so the SMS is tried first, as README's story tells)."""
    if not person["mobile"].endswith(FAILING_SUFFIX):
        return person
    return {**person, "email": person["email"] or f"{person['mobile']}@example.com", "preferred_channel": ""}


@dataclass
class _People:
    """Seeded made-up residents: owners living in (85%) or letting (15%) their unit, spouses,
    parents and children, and the odd owner of two units."""

    rng: random.Random
    issued: int = 0
    landlord: dict[str, Any] | None = None

    def household(self) -> list[dict[str, Any]]:
        moved_in = date(2015, 1, 1) + timedelta(days=self.rng.randrange(3650))
        owner = self.person("owner", moved_in)
        if self.rng.random() < 0.15:
            tenant = self.person("tenant", moved_in + timedelta(days=self.rng.randrange(1, 900)))
            return self.ordered([tenant, self.second_unit_or(owner)] + self.family(tenant, 0.3))
        return self.ordered([owner] + self.family(owner, 0.65))

    def person(self, role: str, moved_in: date, *, mobile: bool = True) -> dict[str, Any]:
        self.issued += 1
        with_email = self.rng.random() < 0.15
        english = self.rng.random() < 0.02
        return {"role": role, "name": self.name(), "moved_in_on": moved_in.isoformat(),
                "mobile": f"{FICTIONAL_MOBILE_PREFIX}{self.issued:08d}" if mobile else "",
                "email": f"resident{self.issued}@example.com" if with_email else "",
                "language": "en" if english else "",
                "preferred_channel": "email" if with_email and self.rng.random() < 0.5 else ""}

    def family(self, head: dict[str, Any], chance: float) -> list[dict[str, Any]]:
        moved_in = date.fromisoformat(head["moved_in_on"])
        members = [self.person("family", moved_in)] if self.rng.random() < chance else []
        if members and self.rng.random() < 0.3:  # a child, with no phone of their own
            child = self.person("family", moved_in, mobile=False)
            child["name"] = head["name"][0] + self.rng.choice("小子一") + self.rng.choice(GIVEN)
            members.append(child)
        return members

    def second_unit_or(self, owner: dict[str, Any]) -> dict[str, Any]:
        """The landlord of a let unit is sometimes the landlord met before (one person, two units)."""
        if self.landlord is not None and self.rng.random() < 0.2:
            return {**self.landlord, "moved_in_on": owner["moved_in_on"]}
        self.landlord = owner
        return owner

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2))))

    @staticmethod
    def ordered(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Whoever lives there is called first; a landlord second; the first two are contacts."""
        unique: dict[str, dict[str, Any]] = {}
        for member in members:  # two made-up namesakes in one unit would read as one person listed twice
            unique.setdefault(member["name"], member)
        return [{**m, "contact_order": str(i) if i <= 2 else ""} for i, m in enumerate(unique.values(), start=1)]


def _add_team(uow: UnitOfWork, estate_id: UUID) -> int:
    """The estate's service-desk team and the ground each member covers (OWN-6)."""
    building_ids = {code: id_ for code, id_ in uow.execute(
        select(buildings.c.code, buildings.c.id).where(buildings.c.estate_id == estate_id))}
    stamp = now()
    members, patches = [], []
    for i, (name, role, skills, covers) in enumerate(TEAM, start=1):
        member = {"id": uuid.uuid4(), "estate_id": estate_id, "name": name, "role": role.value,
                  "skills": skills_of(skills), "mobile": f"{FICTIONAL_MOBILE_PREFIX}9{i:07d}",
                  "email": f"staff{i}@example.com", "active": True, "version": 1, "created_at": stamp,
                  "updated_at": stamp}
        members.append(member)
        uow.record(events.STAFF_JOINED, member["id"], events.staff_payload(member))
        for building in (None,) if covers is None else covers:
            patch = {"id": uuid.uuid4(), "staff_id": member["id"], "estate_id": estate_id,
                     "building_id": building and building_ids[str(building)], "assigned_at": stamp,
                     "version": 1}
            patches.append(patch)
            uow.record(events.TERRITORY_ASSIGNED, patch["id"], events.territory_payload(patch))
    uow.execute(insert(staff), members)
    uow.execute(insert(territories), patches)
    return len(members)


def _add_departments(uow: UnitOfWork, estate_id: UUID) -> None:
    """The operator's templates (those it lacks) and the estate's departments made from them, each
    with its supervisor and members (OWN-9), with their events."""
    have = set(uow.execute(select(departments.c.code).where(departments.c.estate_id.is_(None))).scalars())
    stamp = now()
    row = {"supervisor_id": None, "active": True, "version": 1, "created_at": stamp, "updated_at": stamp}
    templates = [{**row, "id": uuid.uuid4(), "estate_id": None, "code": code, "name": name}
                 for code, name in SUGGESTED.items() if code not in have]
    if templates:
        uow.execute(insert(departments), templates)
    names = {name: id_ for name, id_ in uow.execute(
        select(staff.c.name, staff.c.id).where(staff.c.estate_id == estate_id))}
    members = []
    for code, supervisor, names_in in DEPARTMENTS:
        made = {**row, "id": uuid.uuid4(), "estate_id": estate_id, "code": code, "name": SUGGESTED[code],
                "supervisor_id": names[supervisor]}
        ids = members_of(names[p] for p in names_in)
        uow.execute(insert(departments).values(made))
        members += [{"department_id": made["id"], "staff_id": s, "estate_id": estate_id} for s in ids]
        uow.record(events.DEPARTMENT_ADDED, made["id"], events.department_payload(made, ids))
    uow.execute(insert(department_members), members)


# The register of common areas and equipment (OWN-10): two lifts a building, the pumps, the gates,
# the car park and the fire system, with their installer and maintenance contractor (made up).
LIFT_INSTALLER, LIFT_CONTRACTOR = "示例电梯安装有限公司（虚构）", "示例电梯维保有限公司（虚构）"
SITE_ITEMS: tuple[tuple[str, str, str, str, str], ...] = (  # kind, identifier, name, location, contractor
    ("pump", "生活水泵-1", "1号生活水泵", "地下一层水泵房", "示例机电工程有限公司（虚构）"),
    ("pump", "生活水泵-2", "2号生活水泵", "地下一层水泵房", "示例机电工程有限公司（虚构）"),
    ("pump", "消防水泵-1", "消防水泵", "地下一层消防泵房", "示例消防工程有限公司（虚构）"),
    ("gate", "北门道闸", "北门车辆道闸", "北门", "示例智能科技有限公司（虚构）"),
    ("gate", "南门人行门禁", "南门人行门禁", "南门", "示例智能科技有限公司（虚构）"),
    ("car_park", "地下停车场", "地下停车场", "地下一层", ""),
    ("fire_system", "消防报警主机", "火灾自动报警系统", "监控中心", "示例消防工程有限公司（虚构）"),
)


def _add_equipment(uow: UnitOfWork, estate_id: UUID) -> None:
    """The estate's lifts (two a building), pumps, gates, car park and fire system, with their events."""
    building_ids = dict(uow.execute(select(buildings.c.code, buildings.c.id)
                                    .where(buildings.c.estate_id == estate_id).order_by(buildings.c.code)).all())
    stamp = now()
    base = {"estate_id": estate_id, "installer": "", "installed_on": date(2016, 9, 1), "active": True, "version": 1,
            "created_at": stamp, "updated_at": stamp}
    items = [{**base, "id": uuid.uuid4(), "building_id": building_id, "kind": "lift",
              "identifier": f"{code}栋-{n}号梯", "name": f"{code}栋{n}号客梯", "location": f"{code}栋{n}单元大堂",
              "installer": LIFT_INSTALLER, "maintenance_contractor": LIFT_CONTRACTOR}
             for code, building_id in building_ids.items() for n in (1, 2)]
    items += [{**base, "id": uuid.uuid4(), "building_id": None, "kind": kind, "identifier": identifier, "name": name,
               "location": location, "maintenance_contractor": contractor}
              for kind, identifier, name, location, contractor in SITE_ITEMS]
    uow.execute(insert(equipment), items)
    for item in items:
        uow.record(events.EQUIPMENT_ADDED, item["id"], events.equipment_payload(item))


# Two office companies (OWN-11) that rent ground-floor units of building 1 (底商): the units each
# occupies, and its contacts (the people living or working there) with their titles.
COMPANIES = (("深圳阳光示例科技有限公司（虚构）", 2, ("行政经理", "前台")),
             ("示例家政服务有限公司（虚构）", 1, ("负责人",)))


def _add_companies(uow: UnitOfWork, estate_id: UUID) -> None:
    """The demo's two office companies, their units and their contacts in order, with their events."""
    first_floor = uow.execute(
        select(units.c.id).join(buildings, buildings.c.id == units.c.building_id)
        .where(units.c.estate_id == estate_id, buildings.c.code == "1", units.c.floor == 1)
        .order_by(units.c.number)).scalars().all()
    taken = 0
    stamp = now()
    for name, how_many, titles in COMPANIES:
        unit_ids = list(first_floor[taken:taken + how_many])
        taken += how_many
        people_there = uow.execute(select(occupancies.c.person_id).where(
            occupancies.c.unit_id.in_(unit_ids), occupancies.c.moved_out_on.is_(None))
            .order_by(occupancies.c.unit_id, occupancies.c.person_id)).scalars().all()
        contacts = [{"person_id": p, "title": t} for p, t in zip(dict.fromkeys(people_there), titles, strict=False)]
        company = {"id": uuid.uuid4(), "estate_id": estate_id, "name": name, "credit_code": "", "note": "",
                   "version": 1, "created_at": stamp, "updated_at": stamp}
        uow.execute(insert(companies).values(company))
        record_company(uow, company, units_of(unit_ids), contacts, added=True)


# The owners' committee (SRV-7): five owners with their roles, and two entries of its contact log.
COMMITTEE_ROLES = ("chair", "vice_chair", "secretary", "member", "member")
COMMITTEE_LOG = (
    ("meeting", datetime(2025, 3, 1, 2, 0, tzinfo=UTC), "讨论电梯更新改造方案",
     "业委会同意申请使用专项维修资金，物业提交三家报价"),
    ("call", datetime(2025, 3, 5, 1, 30, tzinfo=UTC), "通知3月8日停水检修", "主任同意在业主群转发停水通知"),
)


def _add_committee(uow: UnitOfWork, estate_id: UUID) -> None:
    """The estate's owners' committee: five owners (one of each building, first) and its contact log."""
    owners_ = uow.execute(select(occupancies.c.person_id).where(
        occupancies.c.estate_id == estate_id, occupancies.c.role == "owner", occupancies.c.moved_out_on.is_(None))
        .order_by(occupancies.c.unit_id).limit(len(COMMITTEE_ROLES))).scalars().all()
    stamp = now()
    board = {"id": uuid.uuid4(), "estate_id": estate_id, "name": "阳光花园第二届业主委员会",
             "term_starts_on": date(2024, 1, 1), "term_ends_on": date(2028, 12, 31), "note": "", "created_at": stamp,
             "updated_at": stamp}
    uow.execute(insert(committees).values(board))
    seats = [{"id": uuid.uuid4(), "committee_id": board["id"], "estate_id": estate_id, "person_id": person,
              "role": role, "starts_on": date(2024, 1, 1), "ends_on": None, "created_at": stamp, "updated_at": stamp}
             for person, role in zip(owners_, COMMITTEE_ROLES, strict=False)]
    uow.execute(insert(committee_members), seats)
    manager = uow.execute(select(staff.c.id).where(staff.c.estate_id == estate_id,
                                                   staff.c.role == StaffRole.ESTATE_MANAGER.value)).scalar()
    uow.execute(insert(committee_contacts), [
        {"id": uuid.uuid4(), "committee_id": board["id"], "estate_id": estate_id, "kind": kind, "at": at,
         "subject": subject, "summary": summary, "staff_id": manager, "member_ids": [str(seats[0]["id"])],
         "recorded_by": "demo", "recorded_at": stamp} for kind, at, subject, summary in COMMITTEE_LOG])


# A few prospects (OWN-7) at different stages: name, interest, company, stage, days to follow up, note.
PROSPECTS = (
    ("陈先生（虚构）", "buyer", "", "viewing", 2, "看了3栋中层三房，关心学位"),
    ("林女士（虚构）", "tenant", "", "contacted", 1, "想租两房，预算6000元/月"),
    ("示例咨询有限公司（虚构）", "company", "示例咨询有限公司（虚构）", "negotiating", 5, "需要底商办公约120平米"),
    ("黄先生（虚构）", "buyer", "", "new", 0, "电话咨询二手房挂牌"),
)


def _add_prospects(uow: UnitOfWork, estate_id: UUID) -> None:
    """The estate's prospects at different stages, followed up by a desk agent, each with an activity."""
    seller = uow.execute(select(staff.c.id).where(staff.c.estate_id == estate_id, staff.c.name == "林晓彤")).scalar()
    stamp = now()
    leads, activities = [], []
    for i, (name, interest, company, stage, days, note) in enumerate(PROSPECTS, start=1):
        lead = {"id": uuid.uuid4(), "estate_id": estate_id, "name": name, "interest": interest,
                "company_name": company, "mobile": f"{FICTIONAL_MOBILE_PREFIX}8{i:07d}", "email": None,
                "unit_id": None, "source": "walk-in", "stage": stage, "staff_id": seller,
                "follow_up_on": date.today() + timedelta(days=days), "lost_reason": None, "person_id": None,
                "converted_at": None, "created_at": stamp, "updated_at": stamp}
        leads.append(lead)
        activities.append({"id": uuid.uuid4(), "prospect_id": lead["id"], "estate_id": estate_id, "kind": "call",
                           "at": stamp, "note": note, "staff_id": seller, "recorded_by": "demo"})
    uow.execute(insert(prospects), leads)
    uow.execute(insert(prospect_activities), activities)


# The operator's service contract template (OWN-5) and one contract generated from it for an owner.
CONTRACT_CODE = "service_contract"
CONTRACT_TEXT = (
    "甲方（物业服务企业）：示例物业管理有限公司（虚构）",
    "乙方（业主）：{{ person_name }}",
    "物业：{{ estate_name }} {{ unit }}（{{ estate_address }}）",
    "一、甲方按本小区物业服务标准提供客服、工程、保安、保洁服务。",
    "二、乙方按时交纳物业服务费，遵守管理规约。",
    "本合同于 {{ date }} 由 {{ generated_by }} 生成。",
)


def _add_contract(uow: UnitOfWork, estate_id: UUID) -> None:
    """The operator's contract template (once) and a contract generated for the first owner."""
    have = uow.execute(select(document_templates.c.id).where(document_templates.c.estate_id.is_(None),
                                                             document_templates.c.code == CONTRACT_CODE)).first()
    stamp = now()
    if have is None:
        body = template_docx("物业服务合同", CONTRACT_TEXT)
        uow.execute(insert(document_templates).values(
            id=uuid.uuid4(), estate_id=None, code=CONTRACT_CODE, version=1, kind="contract", name="物业服务合同",
            paragraphs=list(CONTRACT_TEXT), body=body, created_by="demo", created_at=stamp))
    template = uow.execute(select(document_templates).where(
        document_templates.c.estate_id.is_(None), document_templates.c.code == CONTRACT_CODE)
        .order_by(document_templates.c.version.desc()).limit(1)).mappings().one()
    owner = uow.execute(select(people.c.id, people.c.name, occupancies.c.unit_id, units.c.number, buildings.c.name)
                        .join(occupancies, occupancies.c.person_id == people.c.id)
                        .join(units, units.c.id == occupancies.c.unit_id)
                        .join(buildings, buildings.c.id == units.c.building_id)
                        .where(people.c.estate_id == estate_id, occupancies.c.role == "owner")
                        .order_by(units.c.number, people.c.id).limit(1)).one()
    day = date.today().isoformat()
    content = render(template["body"], {"person_name": owner[1], "estate_name": ESTATE["name"],
                                        "estate_address": ESTATE["address"], "unit": f"{owner[4]} {owner[3]}",
                                        "date": day, "generated_by": "demo"})
    uow.execute(insert(documents).values(
        id=uuid.uuid4(), estate_id=estate_id, person_id=owner[0], unit_id=owner[2], template_id=template["id"],
        kind="contract", filename=document_filename(CONTRACT_CODE, template["version"], owner[1], day),
        size=len(content), sha256=hashlib.sha256(content).hexdigest(), content=content, generated_by="demo",
        generated_at=stamp))


DEMO = Demo(loaded=_loaded, load=_load)
