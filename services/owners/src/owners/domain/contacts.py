"""Contact points (mobile, e-mail, other) and the rules for writing them down."""

from __future__ import annotations

import re
from enum import StrEnum

from tenancy.phones import NotAMobile
from tenancy.phones import normalize_mobile as suite_mobile

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
    """A mainland mobile number as 11 digits, by the suite's one rule (tenancy.phones, which notify
    applies to the numbers it is handed too); the message never quotes the value."""
    try:
        return suite_mobile(raw)
    except NotAMobile as exc:
        raise InvalidContact(str(exc)) from None


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
