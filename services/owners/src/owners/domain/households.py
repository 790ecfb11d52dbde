"""The household CSV (住户导入表): one row per person in a unit, read and checked with no I/O.

The format is documented in ``docs/household-import.md``. Reading happens in two passes: each row
on its own (:func:`read_households`), then the rows against each other (:func:`check_consistency`),
so that every bad row is reported with its line number, not just the first.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from owners.domain.contacts import LANGUAGES, Channel, ContactKind, InvalidContact, normalize, normalize_mobile
from owners.domain.people import unreachable_without
from owners.domain.places import BUILDING_CODE, LOWEST_FLOOR, UNIT_NUMBER, UNIT_NUMBER_LENGTH
from owners.domain.unit_contacts import MAX_CONTACTS

REQUIRED = ("building", "unit", "role", "name")
OPTIONAL = ("building_name", "floor", "area_m2", "mobile", "email", "language", "preferred_channel",
            "moved_in_on", "contact_order", "company", "company_title")

# Headers as property companies' spreadsheets write them; English names are matched case-insensitively.
HEADER_ALIASES = {
    "楼栋": "building", "楼号": "building", "楼栋名称": "building_name", "房号": "unit", "房间号": "unit",
    "楼层": "floor", "面积": "area_m2", "建筑面积": "area_m2", "身份": "role", "角色": "role", "姓名": "name",
    "手机": "mobile", "手机号": "mobile", "手机号码": "mobile", "邮箱": "email", "电子邮箱": "email",
    "语言": "language", "首选渠道": "preferred_channel", "入住日期": "moved_in_on", "联系顺序": "contact_order",
    "公司": "company", "公司名称": "company", "单位": "company", "职务": "company_title", "职位": "company_title",
}
ROLE_ALIASES = {"业主": "owner", "租户": "tenant", "租客": "tenant", "家属": "family", "家庭成员": "family",
                "其他": "other"}
ROLES = ("owner", "tenant", "family", "other")
CHANNEL_ALIASES = {"短信": "sms", "邮件": "email", "电话": "phone", "app": "app", "应用": "app"}
LANGUAGE_ALIASES = {"zh-cn": "zh-CN", "zh": "zh-CN", "中文": "zh-CN", "en": "en", "英文": "en", "english": "en"}

_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$")
_AREA_UNIT = re.compile(r"\s*(㎡|m²|m2|平方米|平米)$", re.IGNORECASE)
_MAX_AREA = Decimal("999999.99")  # Numeric(8, 2)
_HIGHEST_FLOOR = 300
# The contact points a row can carry: its mobile and e-mail columns.
_ROW_KINDS = frozenset({ContactKind.MOBILE, ContactKind.EMAIL})


class InvalidFile(ValueError):
    """The file as a whole cannot be read (encoding, header); no row is looked at. ``str()`` is the
    English message, ``zh`` the Chinese one for the clerk who saved the file."""

    def __init__(self, message: str, zh: str, *, line: int = 1) -> None:
        super().__init__(message)
        self.zh = zh
        self.line = line


@dataclass(frozen=True, slots=True)
class HouseholdRow:
    """One person in one unit, as the file says; blank optional fields are None."""

    line: int
    building: str
    unit: str
    role: str
    name: str
    building_name: str | None = None
    floor: int | None = None
    area_m2: Decimal | None = None
    mobile: str | None = None
    email: str | None = None
    language: str | None = None
    preferred_channel: str | None = None
    moved_in_on: date | None = None
    contact_order: int | None = None
    # OWN-11: the company the person is a contact of; the company occupies the row's unit.
    company: str | None = None
    company_title: str | None = None

    @property
    def unit_key(self) -> tuple[str, str]:
        return (self.building, self.unit)

    @property
    def person_key(self) -> tuple[str, ...]:
        """Who the row is about: the same name with the same mobile (or e-mail) is one person, who
        may hold several units; somebody with neither is known only inside their unit."""
        if self.mobile:
            return ("mobile", self.name, self.mobile)
        if self.email:
            return ("email", self.name, self.email)
        return ("unit", self.name, self.building, self.unit)


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that cannot be imported, and why, field by field."""

    line: int
    errors: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "errors": self.errors}


def decode(data: bytes) -> str:
    """The file's text: UTF-8, with or without a byte-order mark (Excel writes one)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InvalidFile("the file is not UTF-8 text; save it as 'CSV UTF-8'",
                          "文件不是 UTF-8 文本，请另存为“CSV UTF-8”格式", line=line) from exc


def read_households(text: str) -> tuple[list[HouseholdRow], list[BadRow]]:
    """Every data row of the file, each either read or bad; then the good ones checked against each
    other. Raises :class:`InvalidFile` when the header is unusable or there are no rows."""
    records = _records(text)
    columns = _columns(next(records, None))
    good: list[HouseholdRow] = []
    bad: list[BadRow] = []
    for line, values in records:
        row = parse_row(line, columns, values)
        (good if isinstance(row, HouseholdRow) else bad).append(row)
    if not good and not bad:
        raise InvalidFile("the file has a header but no households", "文件只有表头，没有住户", line=2)
    conflicts = check_consistency(good)
    if conflicts:
        lines = {b.line for b in conflicts}
        good = [r for r in good if r.line not in lines]
        bad = sorted(bad + conflicts, key=lambda b: b.line)
    return good, bad


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, fields) of every non-blank record; a quoted field may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last_line = 0
    try:
        for values in reader:
            line, last_line = last_line + 1, reader.line_num
            if any(v.strip() for v in values):
                yield line, values
    except csv.Error as exc:
        raise InvalidFile(f"the file is not valid CSV: {exc}", f"文件不是有效的 CSV：{exc}",
                          line=last_line + 1) from exc


def _columns(header: tuple[int, list[str]] | None) -> list[str]:
    if header is None:
        raise InvalidFile("the file is empty; the first line must name the columns", "文件为空，第一行须为列名")
    columns = [_column_name(h) for h in header[1]]
    known = set(REQUIRED + OPTIONAL)
    unknown = [h.strip() for h, c in zip(header[1], columns, strict=True) if c not in known]
    if unknown:
        raise InvalidFile(f"unknown columns: {', '.join(unknown)}; known are {', '.join(REQUIRED + OPTIONAL)}",
                          f"无法识别的列：{'、'.join(unknown)}；可用的列为 {'、'.join(REQUIRED + OPTIONAL)}")
    twice = sorted({c for c in columns if columns.count(c) > 1})
    if twice:
        raise InvalidFile(f"columns given twice: {', '.join(twice)}", f"列重复：{'、'.join(twice)}")
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidFile(f"missing columns: {', '.join(missing)}", f"缺少列：{'、'.join(missing)}")
    return columns


def _column_name(header: str) -> str:
    name = header.strip()
    return HEADER_ALIASES.get(name, name.lower())


def parse_row(line: int, columns: list[str], values: list[str]) -> HouseholdRow | BadRow:
    """One record as a :class:`HouseholdRow`, or a :class:`BadRow` naming every field that is wrong."""
    if len(values) > len(columns):
        return BadRow(line, {"row": [f"has {len(values)} fields but the header names {len(columns)}"]})
    raw = {c: v.strip() for c, v in zip(columns, values, strict=False)}
    fields_: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in REQUIRED + OPTIONAL:
        value = raw.get(name, "")
        if not value:
            if name in REQUIRED:
                errors[name] = ["is required"]
            continue
        if "\x00" in value:  # no database column can store it (PostgreSQL refuses the whole write)
            errors[name] = ["contains a NUL character"]
            continue
        try:
            fields_[name] = _PARSERS[name](value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    if not errors.keys() & {"mobile", "email", "preferred_channel"}:
        errors.update(_check_channel(fields_))
    if fields_.get("company_title") and not raw.get("company"):
        errors["company_title"] = ["goes with a company"]
    if errors:
        return BadRow(line, errors)
    return HouseholdRow(line=line, **fields_)


def _check_channel(fields_: dict[str, Any]) -> dict[str, list[str]]:
    """A preferred channel must be reachable with the contact points on the same row."""
    channel = fields_.get("preferred_channel")
    if channel is None:
        return {}
    on_row = {kind for kind in _ROW_KINDS if fields_.get(kind.value)}
    missing = unreachable_without(Channel(channel), on_row) & _ROW_KINDS
    if not missing:
        return {}
    wanted = " or ".join(sorted(missing))
    return {"preferred_channel": [f"{channel} needs {'an' if wanted[0] in 'aeiou' else 'a'} {wanted} on the same row"]}


def _text(limit: int) -> Any:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"at most {limit} characters")
        if any(ord(ch) < 32 for ch in value):
            raise ValueError("contains a control character")
        return value
    return parse


def _matching(pattern: re.Pattern[str], what: str, max_length: int) -> Any:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise ValueError(f"at most {max_length} characters")
        if not pattern.match(value):
            raise ValueError(f"{value!r} is not {what}")
        return value
    return parse


def _integer(low: int, high: int) -> Any:
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
        if not low <= number <= high:
            raise ValueError(f"must be between {low} and {high}")
        return number
    return parse


def _area(value: str) -> Decimal:
    try:
        area = Decimal(_AREA_UNIT.sub("", value))
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number of square metres") from None
    if not area.is_finite() or area <= 0 or area > _MAX_AREA:
        raise ValueError(f"must be more than 0 and at most {_MAX_AREA}")
    if area != area.quantize(Decimal("0.01")):
        raise ValueError("at most two decimals")
    return area.quantize(Decimal("0.01"))


def _choice(choices: tuple[str, ...], aliases: dict[str, str]) -> Any:
    def parse(value: str) -> str:
        chosen = aliases.get(value, aliases.get(value.lower(), value.lower()))
        if chosen not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return chosen
    return parse


def _mobile(value: str) -> str:
    try:
        return normalize_mobile(value)
    except InvalidContact as exc:
        raise ValueError(str(exc)) from None


def _email(value: str) -> str:
    if len(value) > 200:
        raise ValueError("not an e-mail address")  # never quoted: it may hold a mobile number
    try:
        return normalize(ContactKind.EMAIL, value)
    except InvalidContact as exc:
        raise ValueError(str(exc)) from None


def _date(value: str) -> date:
    match = _DATE.match(value)
    try:
        if match is None:
            raise ValueError
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise ValueError(f"{value!r} is not a date like 2024-05-01") from None


_PARSERS: dict[str, Any] = {
    "building": _matching(BUILDING_CODE, "a building code (letters, digits, - and _)", 32),
    "building_name": _text(100),
    "company": _text(200),
    "company_title": _text(50),
    "unit": _matching(UNIT_NUMBER, "a unit number like 1202 or 2-1202", UNIT_NUMBER_LENGTH),
    "floor": _integer(LOWEST_FLOOR, _HIGHEST_FLOOR),
    "area_m2": _area,
    "role": _choice(ROLES, ROLE_ALIASES),
    "name": _text(100),
    "mobile": _mobile,
    "email": _email,
    "language": _choice(LANGUAGES, LANGUAGE_ALIASES),
    "preferred_channel": _choice(tuple(Channel), CHANNEL_ALIASES),
    "moved_in_on": _date,
    "contact_order": _integer(1, MAX_CONTACTS),
}


def check_consistency(rows: list[HouseholdRow]) -> list[BadRow]:
    """Rows that contradict an earlier row (the earlier one wins): a unit described twice
    differently, a person listed twice in a unit, a contact position taken twice, or one person
    given two different e-mails, languages or channels."""
    checker = _Consistency()
    return [bad for row in rows if (bad := checker.check(row)) is not None]


class _Consistency:
    def __init__(self) -> None:
        self.units: dict[tuple[str, str], HouseholdRow] = {}
        self.buildings: dict[str, HouseholdRow] = {}
        self.in_unit: dict[tuple[tuple[str, str], tuple[str, ...]], int] = {}
        self.positions: dict[tuple[tuple[str, str], int], int] = {}
        self.people: dict[tuple[str, ...], HouseholdRow] = {}

    def check(self, row: HouseholdRow) -> BadRow | None:
        errors = {**self._unit(row), **self._person(row), **self._contact(row)}
        if errors:
            return BadRow(row.line, errors)
        self._remember(row)
        return None

    def _unit(self, row: HouseholdRow) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        building = self.buildings.get(row.building)
        if building and row.building_name and building.building_name and row.building_name != building.building_name:
            errors["building_name"] = [f"differs from line {building.line} ({building.building_name!r})"]
        first = self.units.get(row.unit_key)
        for name in ("floor", "area_m2"):
            if first is not None and _differ(getattr(first, name), getattr(row, name)):
                errors[name] = [f"differs from line {first.line} ({getattr(first, name)}) for the same unit"]
        return errors

    def _person(self, row: HouseholdRow) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        earlier = self.in_unit.get((row.unit_key, row.person_key))
        if earlier is not None:
            errors["name"] = [f"this person is already listed for this unit on line {earlier}"]
        first = self.people.get(row.person_key)
        for name in ("email", "language", "preferred_channel"):
            if first is not None and _differ(getattr(first, name), getattr(row, name)):
                errors[name] = [f"differs from line {first.line} ({getattr(first, name)}) for the same person"]
        return errors

    def _contact(self, row: HouseholdRow) -> dict[str, list[str]]:
        if row.contact_order is None:
            return {}
        taken = self.positions.get((row.unit_key, row.contact_order))
        if taken is not None:
            return {"contact_order": [f"position {row.contact_order} of this unit is taken on line {taken}"]}
        return {}

    def _remember(self, row: HouseholdRow) -> None:
        self.buildings.setdefault(row.building, row)
        if row.building_name and not self.buildings[row.building].building_name:
            self.buildings[row.building] = row
        self.units.setdefault(row.unit_key, row)
        self.in_unit[(row.unit_key, row.person_key)] = row.line
        if row.contact_order is not None:
            self.positions[(row.unit_key, row.contact_order)] = row.line
        first = self.people.setdefault(row.person_key, row)
        if first is not row:
            self.people[row.person_key] = merged_person(first, row)


def _differ(first: Any, later: Any) -> bool:
    """Two values contradict each other only when both are given."""
    return first is not None and later is not None and first != later


def merged_person(first: HouseholdRow, later: HouseholdRow) -> HouseholdRow:
    """A person's particulars from all their rows: a blank field is filled from a later row."""
    fill = {name: getattr(later, name) for name in ("email", "language", "preferred_channel")
            if getattr(first, name) is None and getattr(later, name) is not None}
    return replace(first, **fill) if fill else first
