"""Contact points (mobile, e-mail, other) and the rules for writing them down."""

from __future__ import annotations

import re
from enum import StrEnum

from servicekit.exact import ascii_digits

_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ContactKind(StrEnum):
    MOBILE = "mobile"
    EMAIL = "email"
    OTHER = "other"


class Channel(StrEnum):
    """How a person prefers to be reached by notices."""

    SMS = "sms"
    EMAIL = "email"
    APP = "app"
    PHONE = "phone"


LANGUAGES = ("zh-CN", "en")


class InvalidContact(ValueError):
    pass


def normalize_mobile(raw: str) -> str:
    """A mainland mobile number as 11 ASCII digits: spaces, dashes and a +86/0086 prefix are dropped,
    full-width and other Unicode digits written as ASCII (an SMS provider takes nothing else)."""
    digits = re.sub(r"[\s\-()]", "", ascii_digits(raw))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if not _MOBILE.match(digits):
        # The message never quotes the value: it reaches responses and may reach logs.
        if "*" in raw:
            raise InvalidContact("this is a masked number as shown; send the full number, or leave it out to keep it")
        raise InvalidContact("not a mainland mobile number (11 digits starting with 1)")
    return digits


def normalize(kind: ContactKind, raw: str) -> str:
    value = raw.strip()
    if kind is ContactKind.MOBILE:
        return normalize_mobile(value)
    if kind is ContactKind.EMAIL:
        if not _EMAIL.match(value):
            raise InvalidContact("not an e-mail address")
        return value.lower()
    if not value:
        raise InvalidContact("a contact point needs a value")
    return value


def last4(kind: ContactKind, value: str) -> str | None:
    return value[-4:] if kind is ContactKind.MOBILE else None
