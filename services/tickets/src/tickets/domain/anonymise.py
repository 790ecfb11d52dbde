"""A complaint made into a training case (编成案例，列入岗位培训教材, TKT-10) says what happened and
what it taught, and nothing of who it happened to: no name, phone or ID number, no unit.

Two passes. First the values the ticket is known to hold (the complainant's and the staff's names,
the contact phone, the unit's number, the building's name) are replaced wherever they appear,
longest first. Then patterns catch what was typed in passing: mainland mobile and landline
numbers, the 18-character resident ID, and unit addresses (3栋1201, 1-101, 2单元, 1201室).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

PERSON, PHONE, ID_NUMBER, UNIT = "某业主", "[电话]", "[证件号]", "某单元"

_PATTERNS = (
    (re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{5}(?:19|20)[0-9]{2}[01][0-9][0-3][0-9][0-9]{3}[0-9Xx](?![0-9A-Za-z])"),
     ID_NUMBER),
    (re.compile(r"(?:\+?86[-\s]?)?(?<![0-9])1[3-9][0-9][-\s]?[0-9]{4}[-\s]?[0-9]{4}(?![0-9])"), PHONE),
    (re.compile(r"(?<![0-9])0[0-9]{2,3}[-\s]?[0-9]{7,8}(?![0-9])"), PHONE),
    (re.compile(r"[0-9A-Za-z]{1,4}\s*(?:栋|幢|号楼|座|单元|楼)\s*[0-9A-Za-z]{0,5}\s*(?:室|号|房)?"), UNIT),
    (re.compile(r"(?<![0-9])[0-9]{1,3}-[0-9]{1,2}-?[0-9]{2,4}(?![0-9])"), UNIT),
    (re.compile(r"(?<![0-9])[0-9]{3,5}\s*(?:室|号房)"), UNIT),
)


def anonymise(text: str, *, people: Iterable[str] = (), units: Iterable[str] = (),
              phones: Iterable[str] = ()) -> str:
    """``text`` without the names in ``people``, the numbers in ``phones``, the units in ``units``,
    nor anything that looks like a phone, an ID number or a unit."""
    known = [(value, PERSON) for value in people] + [(value, UNIT) for value in units] + \
        [(value, PHONE) for value in phones]
    for value, placeholder in sorted(((v.strip(), p) for v, p in known if v and v.strip()),
                                     key=lambda pair: -len(pair[0])):
        text = text.replace(value, placeholder)
        # 李先生, 李女士, 老李: a Chinese name's family name alone
        if placeholder == PERSON and len(value) >= 2 and not value[0].isascii():
            text = re.sub(rf"{re.escape(value[0])}(?=先生|女士|小姐|师傅|阿姨|大爷|总)", "某", text)
            text = text.replace(f"老{value[0]}", "某业主")
    for pattern, placeholder in _PATTERNS:
        text = pattern.sub(placeholder, text)
    return text
