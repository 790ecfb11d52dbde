"""Moving in and out of a unit (入住, 迁出)."""

from __future__ import annotations

from datetime import date

from owners.domain.errors import Conflict, Invalid


def check_move_out(moved_in_on: date, moved_out_on: date | None, on: date) -> None:
    """A person moves out once, and not before they moved in."""
    if moved_out_on is not None:
        raise Conflict(f"this occupant already moved out on {moved_out_on.isoformat()}",
                       f"该住户已于 {moved_out_on.isoformat()} 迁出")
    if on < moved_in_on:
        raise Invalid(f"the move-out date {on.isoformat()} is before the move-in date {moved_in_on.isoformat()}",
                      f"迁出日期 {on.isoformat()} 早于入住日期 {moved_in_on.isoformat()}",
                      errors={"moved_out_on": [f"must be on or after {moved_in_on.isoformat()}"]})
