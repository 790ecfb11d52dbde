"""Visitors at the front desk (访客单): identity documents, time in and out."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone
from enum import StrEnum

from owners.domain.errors import Conflict, Invalid

# China has one time zone and no daylight saving: the desk's "today" is UTC+8.
LOCAL_TIME = timezone(timedelta(hours=8), "Asia/Shanghai")
# A desk clock a little ahead of the server's is fine; a visitor from tomorrow is a typing error.
CLOCK_SKEW = timedelta(minutes=5)

_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"


class IdType(StrEnum):
    RESIDENT_ID = "resident_id"  # 居民身份证, 18 characters
    PASSPORT = "passport"
    OTHER = "other"


def resident_id_check_char(first17: str) -> str:
    """The check character of an 18-character resident ID (GB 11643, ISO 7064 MOD 11-2)."""
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalize_id_number(id_type: IdType | str, raw: str) -> str:
    """An ID number as printed, upper case and without spaces; checked as far as its type allows."""
    number = re.sub(r"\s", "", raw).upper()
    kind = IdType(id_type)
    if kind is IdType.RESIDENT_ID and not (_RESIDENT_ID.match(number)
                                          and resident_id_check_char(number[:17]) == number[17]):
        raise Invalid("not a valid 18-character resident ID number", "不是有效的 18 位居民身份证号码",
                      errors={"id_number": ["check the number"]})
    if kind is IdType.PASSPORT and not _PASSPORT.match(number):
        raise Invalid("a passport number is 5 to 20 letters and digits", "护照号码应为 5 到 20 位字母或数字",
                      errors={"id_number": ["check the number"]})
    if not 4 <= len(number) <= 40:
        raise Invalid("an ID number has 4 to 40 characters", "证件号码应为 4 到 40 个字符",
                      errors={"id_number": ["check the number"]})
    return number


def check_time_in(time_in: datetime, now: datetime) -> None:
    if time_in > now + CLOCK_SKEW:
        raise Invalid("a visitor cannot arrive in the future", "访客的到达时间不能晚于现在",
                      errors={"time_in": ["in the future"]})


def check_out(time_in: datetime, time_out: datetime | None, at: datetime) -> None:
    """A visitor leaves once, and not before arriving."""
    if time_out is not None:
        left = time_out.isoformat()
        raise Conflict(f"this visitor already left at {left}", f"该访客已于 {left} 离开")
    if at < time_in:
        raise Invalid("the time out is before the time in", "离开时间早于到达时间",
                      errors={"time_out": [f"must be after {time_in.isoformat()}"]})


def local_day(day: date) -> tuple[datetime, datetime]:
    """The instants a desk's calendar day starts and ends."""
    start = datetime.combine(day, time.min, LOCAL_TIME)
    return start, start + timedelta(days=1)


def check_host_confirmation(time_out: datetime | None) -> None:
    """The desk phones the host while the visitor waits, not after they left."""
    if time_out is not None:
        raise Conflict("this visitor already left", "该访客已离开")
