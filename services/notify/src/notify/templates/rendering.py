"""Rendering a template's ``${name}`` variables (Aliyun's template syntax) and choosing its text by language.

A variable the values do not give is an error naming it (:class:`UnknownVariable`): nothing is
sent with a hole in it. ``$$`` is a literal ``$``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from servicekit.errors import Invalid

LANGUAGES = ("zh-CN", "en")
DEFAULT_LANGUAGE = "zh-CN"
# Every recipient has these; a notice's and a list entry's own variables come on top.
BUILTIN_VARIABLES = frozenset({"name", "unit", "estate"})

_VARIABLE = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class UnknownVariable(Invalid):
    """A text names a variable the values (or the template's declared variables) do not have:
    :meth:`naming` them, said in both languages, with the field to blame (``where``)."""

    names: list[str]

    @classmethod
    def naming(cls, names: list[str], where: str = "body") -> UnknownVariable:
        listed = ", ".join(f"${{{n}}}" for n in names)
        error = cls(f"unknown template variable {listed}", f"未知的模板变量 {listed}",
                    errors={where: [f"unknown variable {n}" for n in names]})
        error.names = names
        return error


def variables_in(text: str) -> list[str]:
    """The variables ``text`` uses, in order of first use."""
    seen: dict[str, None] = {}
    for match in _VARIABLE.finditer(text or ""):
        if match.group(1):
            seen.setdefault(match.group(1))
    return list(seen)


def render(text: str, values: Mapping[str, Any], where: str = "body") -> str:
    """``text`` with each ``${name}`` replaced by ``values[name]``; a missing one raises :class:`UnknownVariable`."""
    missing = [name for name in variables_in(text) if name not in values]
    if missing:
        raise UnknownVariable.naming(missing, where)

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name is None:
            return "$"
        shown = values[name]
        return "" if shown is None else str(shown)

    return _VARIABLE.sub(value, text or "")


def language_of(texts: Mapping[str, Any], language: str | None) -> str:
    """The language a recipient reads the template in: theirs if the template has it, else zh-CN."""
    return language if language in texts else DEFAULT_LANGUAGE


def text_for(texts: Mapping[str, Mapping[str, str]], language: str | None) -> dict[str, str]:
    """The template's ``{"subject", "body"}`` in the recipient's language (zh-CN as the fallback)."""
    chosen = texts[language_of(texts, language)]
    return {"subject": chosen.get("subject") or "", "body": chosen.get("body") or ""}


def used_variables(texts: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Every variable any text of the template uses (subjects and bodies, every language)."""
    seen: dict[str, None] = {}
    for text in texts.values():
        for part in ("subject", "body"):
            for name in variables_in(text.get(part) or ""):
                seen.setdefault(name)
    return list(seen)
