"""Companies as occupants (公司, OWN-11): an office building's tenant company occupies units, and its staff
are the company's contacts, in the order the desk calls them (the office manager first). The desk asks
a caller "which company, or which room?" (询问投诉人所属公司或房号): searching by the company's name
finds its units and its people."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

from owners.domain.errors import Invalid

MAX_CONTACTS = 20
"""A company's contacts the desk goes through, at most."""


def units_of(unit_ids: Iterable[UUID]) -> list[UUID]:
    """The units a company occupies, each once, in a stable order."""
    return sorted(set(unit_ids), key=str)


def check_contacts(contacts: Sequence[dict[str, Any]]) -> None:
    """Each person once in a company's contact list."""
    seen = [c["person_id"] for c in contacts]
    if len(set(seen)) != len(seen):
        raise Invalid("a person is listed twice among the company's contacts", "联系人列表中有重复的人员",
                      errors={"contacts": ["a person is listed twice"]})
    if len(seen) > MAX_CONTACTS:
        raise Invalid(f"a company has at most {MAX_CONTACTS} contacts", f"每家公司最多 {MAX_CONTACTS} 位联系人",
                      errors={"contacts": [f"at most {MAX_CONTACTS}"]})


def check_in_estate(wanted: Iterable[UUID], found: Iterable[UUID], field: str, what: str, what_zh: str) -> None:
    """Every id of ``wanted`` is among ``found`` (the rows of the company's estate)."""
    missing = sorted({str(w) for w in wanted} - {str(f) for f in found})
    if missing:
        raise Invalid(f"no such {what} in this estate", f"本小区没有此{what_zh}",
                      errors={field: [f"not of this estate: {', '.join(missing)}"]})
