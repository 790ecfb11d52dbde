"""One-time codes for owners' sign-in: six random digits, kept only as an HMAC under the deployment's
secret (a million codes would be tried against a plain hash in no time), and how many may be asked
for in a window."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

DIGITS = 6


def new_code() -> str:
    return f"{secrets.randbelow(10 ** DIGITS):0{DIGITS}d}"


def code_hash(key: str, mobile: str, code: str) -> str:
    return hmac.new(key.encode(), f"{mobile}:{code}".encode(), hashlib.sha256).hexdigest()


def same_code(stored: str, key: str, mobile: str, offered: str) -> bool:
    return hmac.compare_digest(stored, code_hash(key, mobile, offered))


def wait_for(earlier: Sequence[datetime], limit: int, window: timedelta, now: datetime) -> int:
    """Seconds until one more may be asked for, given the moments of the ``earlier`` requests (0: now).
    At most ``limit`` in any ``window``: the next one when the oldest of the last ``limit`` leaves it."""
    recent = sorted(t for t in earlier if t > now - window)
    if len(recent) < limit:
        return 0
    frees_at = recent[len(recent) - limit] + window
    return max(1, int((frees_at - now).total_seconds() + 0.999))
