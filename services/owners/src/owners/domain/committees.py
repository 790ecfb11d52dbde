"""The owners' committee (业主委员会, SRV-7): the committee of an estate, its members (owners of the
estate) with a role and a term each, and the log of the management office's contacts and meetings
with it."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from owners.domain.errors import Conflict, Invalid


class MemberRole(StrEnum):
    CHAIR = "chair"  # 主任
    VICE_CHAIR = "vice_chair"  # 副主任
    SECRETARY = "secretary"  # 秘书
    MEMBER = "member"  # 委员


class ContactKind(StrEnum):
    MEETING = "meeting"  # 会议
    CALL = "call"  # 电话
    VISIT = "visit"  # 走访
    LETTER = "letter"  # 函件
    OTHER = "other"


def check_term(starts_on: date, ends_on: date | None, field: str = "ends_on") -> None:
    """A term ends after it starts (or is open)."""
    if ends_on is not None and ends_on < starts_on:
        raise Invalid("a term ends on or after the day it starts", "任期结束日期不能早于开始日期",
                      errors={field: ["is before the start"]})


def check_owner(is_owner: bool) -> None:
    """A member of the owners' committee owns a unit of the estate (a current owner occupancy)."""
    if not is_owner:
        raise Invalid("a committee member is an owner of the estate", "业委会成员必须是本小区的业主",
                      errors={"person_id": ["is not a current owner of this estate"]})


def check_one_chair(role: str, chairs_in_office: int) -> None:
    """A committee has one chair at a time."""
    if role == MemberRole.CHAIR and chairs_in_office:
        raise Conflict("the committee has a chair in office; end their term first",
                       "业委会已有在任主任，请先结束其任期")
