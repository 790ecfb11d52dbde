"""Masking of mainland phone and ID numbers wherever the full value is not needed (responses, logs)."""

from __future__ import annotations

import re

# A run of digits long enough to be a phone number (or a QQ number) inside other text.
_LONG_DIGITS = re.compile(r"\d{7,}")


def mask_phone(number: str | None) -> str | None:
    """``13812345678`` -> ``138****5678``; short numbers keep only their last two digits."""
    if not number:
        return number
    if len(number) >= 11:
        return number[:3] + "*" * (len(number) - 7) + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 2) + number[-2:]
    return "*" * len(number)


def mask_id_number(number: str | None) -> str | None:
    """Keep the first and last few characters of an ID number: ``110101********1234``.

    However short the number, at least half of it is masked: a 10-character ID is not shown whole.
    """
    if not number:
        return number
    if len(number) >= 15:  # resident IDs (18, and the old 15): region code and last four
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) > 4:
        keep = min(4, len(number) // 2)
        return "*" * (len(number) - keep) + number[-keep:]
    return "*" * len(number)


def mask_email(address: str | None) -> str | None:
    """An e-mail address with every phone-length run of digits masked: ``139****0001@139.com``.

    Mail providers hand out addresses named by the owner's mobile (or QQ) number; the domain is kept.
    """
    if not address:
        return address
    local, at, domain = address.rpartition("@")
    if not at:
        local, domain = address, ""
    masked = _LONG_DIGITS.sub(lambda m: mask_phone(m.group()) or "", local)
    return f"{masked}{at}{domain}"
