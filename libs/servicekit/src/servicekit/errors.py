"""What can go wrong in a use case, in general terms every service shares, said in both languages.

A service's domain raises these (or its own subclasses) with a message for people in English and
in Chinese and, where a field is to blame, ``errors`` by field::

    raise Invalid("a template needs its zh-CN text", "模板必须有中文内容", errors={"texts": ["zh-CN is required"]})

They carry no HTTP status: the web layer (:func:`servicekit.webapp.install_domain_errors`) maps
each kind to one, and answers the message in the language the caller's ``Accept-Language`` prefers
(:func:`servicekit.web.problem`). A refusal made in the web layer itself (a role, a media type) is
:func:`servicekit.web.refuse`, with the same two texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ENGLISH, CHINESE = "en", "zh-CN"
LANGUAGES = (ENGLISH, CHINESE)


@dataclass(frozen=True)
class Message:
    """A text for people in English and Chinese (zh-CN); ``str()`` is the English one (logs)."""

    en: str
    zh: str

    def __post_init__(self) -> None:
        if not self.en.strip() or not self.zh.strip():
            raise ValueError("a message for people is said in English and in Chinese, neither blank")

    def __str__(self) -> str:
        return self.en

    def in_language(self, language: str) -> str:
        """The text in ``language`` (``zh-CN``, or any ``zh`` tag), else English."""
        return self.zh if language.lower().startswith("zh") else self.en


class DomainError(Exception):
    """A request the service's rules refuse, with its message in English (``en``) and Chinese (``zh``)."""

    def __init__(self, en: str, zh: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(en)
        self.message = Message(en, zh)
        self.errors = errors


class NotFound(DomainError):
    """What the request names does not exist (or is outside the caller's estates)."""


class Conflict(DomainError):
    """The request contradicts what is recorded (a duplicate code, a second active move-in...)."""


class Invalid(DomainError):
    """The request breaks a rule of the domain."""


class Unauthenticated(DomainError):
    """The caller's credentials (a password, a one-time code, a refresh token) do not hold: answered
    401. Say as little as the caller may know: the same words for an unknown name and a wrong password."""


class TooMany(DomainError):
    """Too many requests of one kind just now (a limit on messages to one number, say): answered
    429 with ``Retry-After``, the whole seconds until one would be let through. A domain error,
    not a web-layer refusal, because the limit is counted in the use case's own transaction."""

    def __init__(self, en: str, zh: str, *, retry_after: int, errors: dict[str, Any] | None = None) -> None:
        super().__init__(en, zh, errors=errors)
        self.retry_after = max(1, int(retry_after))
