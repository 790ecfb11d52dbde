"""The diary (时间管理, TKT-8), with no I/O: what an entry is, when two entries clash, when an
entry falls outside working hours, and a person's diary as iCalendar (RFC 5545).

* **Kinds.** ``appointment`` (a repair visit: a unit, the owner, a time window), ``meeting``,
  ``activity``, ``call`` (a planned call), ``task`` and ``memo``. The first four take time in
  someone's day and have a start and an end; a task may have a due time; a memo has neither.
* **Double booking.** Two timed entries of one staff member that are not cancelled clash when
  their windows overlap (``[start, end)``: one ending at 10:00 and the next starting at 10:00 do
  not). Tasks and memos never clash.
* **Off shift.** A timed entry of a staff member outside their working hours is off shift: the
  shifts of their duty roster (排班表) in the estate when they have one, else the estate's
  business calendar (open intervals, holidays, make-up days); an estate without a calendar works
  around the clock for whoever has no roster. Shifts or open spans that meet (a day shift ending
  at 16:00, the evening one starting then) hold an entry across the change of shift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from servicekit.errors import Invalid

KINDS = ("appointment", "meeting", "activity", "call", "task", "memo")
TIMED = frozenset({"appointment", "meeting", "activity", "call"})
STATES = ("planned", "done", "cancelled")
ON_CONFLICT = ("warn", "refuse")
LONGEST = timedelta(days=7)


def check_entry(entry: Mapping[str, Any]) -> None:
    """Refuse (:class:`Invalid`) an entry whose kind and times do not fit."""
    errors: dict[str, list[str]] = {}
    starts, ends = entry.get("starts_at"), entry.get("ends_at")
    if entry["kind"] in TIMED:
        if starts is None or ends is None:
            errors["starts_at"] = [f"this kind ({entry['kind']}) has a start and an end"]
        elif not starts < ends <= starts + LONGEST:
            errors["ends_at"] = ["after the start, within seven days"]
    elif entry["kind"] == "memo" and (starts is not None or ends is not None):
        errors["starts_at"] = ["a memo has no time"]
    if entry.get("staff_id") is None and not entry.get("team"):
        errors["staff_id"] = ["an entry is for a person (staff_id) or a team"]
    if errors:
        raise Invalid("the diary entry's kind and times do not fit together", "日程类型与时间不一致", errors=errors)


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    return a_start < b_end and b_start < a_end


def merged(spans: Iterable[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Spans that overlap or meet, joined into one; in order."""
    joined: list[tuple[datetime, datetime]] = []
    for opens, closes in sorted(spans):
        if joined and opens <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], closes))
        else:
            joined.append((opens, closes))
    return joined


def off_shift(starts: datetime, ends: datetime, open_spans: Iterable[tuple[datetime, datetime]]) -> bool:
    """True unless one working span (spans that meet joined) holds the whole entry."""
    return not any(opens <= starts and ends <= closes for opens, closes in merged(open_spans))


LONGEST_SHIFT = timedelta(hours=24)


def check_shift(starts: datetime, ends: datetime) -> None:
    """Refuse (:class:`Invalid`) a shift of the roster that ends before it starts or lasts over a day."""
    if not starts < ends <= starts + LONGEST_SHIFT:
        raise Invalid("a shift ends after it starts, within 24 hours", "班次须在开始后24小时内结束",
                      errors={"ends_at": ["after the start, within 24 hours"]})


# --- iCalendar -----------------------------------------------------------------------------------

def _escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def _fold(line: str) -> list[str]:
    """A content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += width
    out.append(current)
    return [out[0], *(" " + part for part in out[1:])]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(name: str, entries: Iterable[Mapping[str, Any]], now: datetime) -> str:
    """A calendar of the timed entries (and dated tasks) of ``entries``, CRLF lines."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//estatedesk//tickets diary//ZH",
             "CALSCALE:GREGORIAN", f"X-WR-CALNAME:{_escape(name)}"]
    for entry in entries:
        starts = entry.get("starts_at")
        if starts is None:
            continue
        ends = entry.get("ends_at") or starts
        lines += ["BEGIN:VEVENT", f"UID:{entry['id']}@estatedesk", f"DTSTAMP:{_stamp(now)}",
                  f"DTSTART:{_stamp(starts)}", f"DTEND:{_stamp(ends)}", f"SUMMARY:{_escape(entry['title'])}",
                  f"CATEGORIES:{entry['kind'].upper()}",
                  f"STATUS:{'CANCELLED' if entry.get('state') == 'cancelled' else 'CONFIRMED'}"]
        if entry.get("notes"):
            lines.append(f"DESCRIPTION:{_escape(entry['notes'])}")
        if entry.get("location"):
            lines.append(f"LOCATION:{_escape(entry['location'])}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in _fold(line))
