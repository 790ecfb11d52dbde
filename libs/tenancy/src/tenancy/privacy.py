"""Masking of mainland phone and ID numbers wherever the full value is not needed (responses, logs)."""

from __future__ import annotations


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
    """Keep the first and last few characters of an ID number: ``110101********1234``."""
    if not number:
        return number
    if len(number) >= 10:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    if len(number) > 4:
        return "*" * (len(number) - 4) + number[-4:]
    return "*" * len(number)
