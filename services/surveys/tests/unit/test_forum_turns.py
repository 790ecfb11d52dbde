"""Forums invite households in turn (SRV-6): never invited first, then invited longest ago."""

from __future__ import annotations

import uuid
from datetime import date

from surveys.forums.use_cases import in_turn


def test_households_never_invited_come_first_then_those_invited_longest_ago() -> None:
    a, b, c, d = sorted((uuid.uuid4() for _ in range(4)), key=str)
    last = {a: date(2026, 6, 1), b: date(2026, 3, 1)}
    assert in_turn([a, b, c, d], last, 2) == [c, d]
    assert in_turn([a, b, c, d], last, 3) == [c, d, b]
    assert in_turn([a, b, c, d], last, 9) == [c, d, b, a]
