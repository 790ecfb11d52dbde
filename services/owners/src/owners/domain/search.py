"""What the desk types into the search box, turned into criteria (no I/O).

A caller says "13812345678", "5678" (尾号), "张", "张伟", "2-1202" or "3栋1202"; each word of the
query becomes a criterion and a person must meet all of them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from owners.domain.contacts import InvalidContact, normalize_mobile
from owners.domain.places import BUILDING_CODE, UNIT_NUMBER
from servicekit.exact import ascii_digits

MAX_WORDS = 4
MAX_NAME = 100


class InvalidQuery(ValueError):
    """The query cannot be searched for; ``field`` names the parameter at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class NamePrefix:
    """Names starting with this text (Chinese names are surname first: "张" finds 张伟 and 张敏)."""

    text: str


@dataclass(frozen=True, slots=True)
class Mobile:
    """A full mainland mobile number, normalised to 11 digits."""

    number: str


@dataclass(frozen=True, slots=True)
class LastFour:
    """The last four digits of a mobile (尾号)."""

    digits: str


@dataclass(frozen=True, slots=True)
class Unit:
    """Current occupants of units whose number starts with ``number``, in ``building`` if given.
    A bare room ("1202") also finds that room behind any entrance: see :func:`room_numbers`."""

    number: str
    building: str | None = None


# Entrances (单元) are numbered 1 to 9 in practically every estate; "2-1202" is room 1202 of entrance 2.
ENTRANCES = tuple(str(e) for e in range(1, 10))


def room_numbers(number: str) -> tuple[str, ...]:
    """The unit numbers a bare room number can stand for, entrance first: callers say "1202" for
    "2-1202" more often than not. A number that names its entrance stands for itself only."""
    if "-" in number:
        return ()
    return tuple(f"{entrance}-{number}" for entrance in ENTRANCES)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """A word that can be read several ways ("5678": a phone's last four or a unit number)."""

    options: tuple[NamePrefix | Mobile | LastFour | Unit, ...]


@dataclass(frozen=True, slots=True)
class PhoneElseUnit:
    """Four digits typed alone ("2001"): the last four of a mobile, and a unit number only when no
    mobile matches. A caller who gives four digits is nearly always reading out a phone's 尾号, and a
    bare room number matches a unit behind every entrance of every building: as "either", one
    mobile's owner was lost among twenty occupants of units 2001. ``unit=2001`` asks for the unit."""

    last_four: LastFour
    unit: Unit


Criterion = NamePrefix | Mobile | LastFour | Unit | AnyOf | PhoneElseUnit

_PHONE_LIKE = re.compile(r"^\+?[0-9\s\-()]{11,20}$")
# "3栋1202", "3号楼2单元1202室", "A座1202": building, then the unit; 单元 (entrance) becomes a dash.
_BUILDING_WORD = re.compile(r"^(?P<building>[0-9A-Za-z_-]+?)(栋|幢|号楼|座|#)(?P<unit>.+)$")
_ENTRANCE = re.compile(r"单元|-")
_ROOM = re.compile(r"(室|号)$")


def read_query(q: str) -> list[Criterion]:
    """The criteria of a free-text query: a whole query that is a mobile number is that number;
    otherwise each word is a name prefix, or, when it has digits, a unit; a word of exactly four
    digits is the last four of a mobile first, and a unit only when no mobile matches."""
    q = ascii_digits(q).strip()
    if not q:
        raise InvalidQuery("q", "is empty")
    if _PHONE_LIKE.match(q):
        try:
            return [Mobile(normalize_mobile(q))]
        except InvalidContact:
            pass
    words = q.split()
    if len(words) > MAX_WORDS:
        raise InvalidQuery("q", f"at most {MAX_WORDS} words")
    return [_word(w) for w in words]


def _word(word: str) -> Criterion:
    if re.fullmatch(r"1[0-9]{10}", word):
        return Mobile(_mobile("q", word))
    if re.fullmatch(r"[0-9]{4}", word):
        return PhoneElseUnit(LastFour(word), Unit(word))
    if any(ch.isdigit() for ch in word):
        return read_unit(word, field="q")
    return read_name(word, field="q")


def read_name(text: str, *, field: str = "name") -> NamePrefix:
    text = text.strip()
    if not text or len(text) > MAX_NAME:
        raise InvalidQuery(field, f"a name prefix has 1 to {MAX_NAME} characters")
    return NamePrefix(text)


def read_phone(text: str, *, field: str = "phone") -> Mobile | LastFour:
    """A full mobile number, or its last four digits."""
    digits = re.sub(r"[\s\-()]", "", ascii_digits(text))
    if re.fullmatch(r"[0-9]{4}", digits):
        return LastFour(digits)
    return Mobile(_mobile(field, text))


def read_unit(text: str, *, field: str = "unit") -> Unit | AnyOf:
    """A unit number ("1202", "2-1202"), or a building and a unit ("3栋1202"). "2-1202" is read
    both as that number and as unit 1202 of building 2, since estates write it either way."""
    text = _ROOM.sub("", text.strip())
    spoken = _BUILDING_WORD.match(text)
    if spoken:
        return Unit(_number(field, _ENTRANCE.sub("-", spoken["unit"])), _building(field, spoken["building"]))
    number = _number(field, text)
    building, dash, rest = number.partition("-")
    if dash and BUILDING_CODE.match(building):
        return AnyOf((Unit(number), Unit(rest, building)))
    return Unit(number)


def _mobile(field: str, text: str) -> str:
    try:
        return normalize_mobile(text)
    except InvalidContact:
        raise InvalidQuery(field, "a phone is a mainland mobile number (11 digits) or its last four digits") from None


def _number(field: str, text: str) -> str:
    if not UNIT_NUMBER.match(text):
        raise InvalidQuery(field, f"{text!r} is not a unit number like 1202, 2-1202 or 3栋1202")
    return text


def _building(field: str, text: str) -> str:
    if not BUILDING_CODE.match(text):
        raise InvalidQuery(field, f"{text!r} is not a building code")
    return text
