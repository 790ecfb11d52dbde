"""The monthly complaint statistics and analysis report (to be built by the reports work)."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def generate_due(uow_factory: Any, now: datetime) -> int:
    """Generate every monthly report that is due at ``now`` and not made yet; how many were made."""
    return 0
