"""Call statistics (TKT-4, TKT-9) from the counts of a group of calls, with no I/O.

For a group (an estate, a desk line or a staff member, over a period):

* ``calls`` every call, ``inbound`` and ``outbound``;
* ``answered``: inbound calls answered; ``within_three_rings``: those answered before the fourth
  ring began (:func:`tickets.domain.calls.within_three_rings`: under ``3 * ring_seconds``);
  ``three_rings_rate``: within three rings over **all inbound calls** (a call nobody answered was
  not answered within three rings either), the hotline's target;
* ``answer_p50_seconds``, ``answer_p90_seconds``: the time to answer of the answered inbound calls,
  by the nearest rank (the smallest time that at least 50% / 90% of them took no longer than);
* ``missed``, ``abandoned``, ``voicemail`` and ``missed_rate``, ``abandoned_rate`` over inbound;
* ``callbacks_due``: callbacks that fell due in the period (up to now), cancelled ones aside;
  ``callbacks_kept``: those done by their due time; ``callbacks_kept_rate``.

A rate is null when there is nothing to divide by; rates have four decimals, seconds three.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

COUNTS = ("calls", "inbound", "outbound", "answered", "within_three_rings", "missed", "abandoned", "voicemail")


def nearest_rank(ordered: Sequence[int], percent: float) -> int | None:
    """The nearest-rank percentile of ascending ``ordered`` values; None when there are none."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(percent / 100 * len(ordered))) - 1]


def rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def seconds(milliseconds: int | None) -> float | None:
    return None if milliseconds is None else round(milliseconds / 1000, 3)


def figures(counts: Mapping[str, int], p50_ms: int | None, p90_ms: int | None, callbacks_due: int,
            callbacks_kept: int) -> dict[str, Any]:
    """A group's figures from its counts (:data:`COUNTS`), its percentiles (milliseconds) and its callbacks."""
    row: dict[str, Any] = {name: int(counts.get(name) or 0) for name in COUNTS}
    inbound = row["inbound"]
    row.update({
        "three_rings_rate": rate(row["within_three_rings"], inbound),
        "answer_p50_seconds": seconds(p50_ms), "answer_p90_seconds": seconds(p90_ms),
        "missed_rate": rate(row["missed"], inbound), "abandoned_rate": rate(row["abandoned"], inbound),
        "callbacks_due": callbacks_due, "callbacks_kept": callbacks_kept,
        "callbacks_kept_rate": rate(callbacks_kept, callbacks_due),
    })
    return row
