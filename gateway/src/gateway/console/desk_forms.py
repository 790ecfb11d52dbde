"""The forms of desk work, the register and a technician's own work: what each field accepts, read
from the posted form into the JSON a service takes, with every refusal in the staff member's
language; a service's own refusal (422) put back on the fields it names. Also who the signed-in
staff member is (their staff id) and the pickers' lists (estates, staff), read from the services."""

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import g
from werkzeug.exceptions import NotFound as PageNotFound

from gateway.console.frame import SHANGHAI, backends, t
from gateway.pages.backends import Refused

PHONE = re.compile(r"^\+?[0-9]{3,20}$")


@dataclass(frozen=True)
class Field:
    """One control of a form. ``kind``: text, lines (one item a line), choice, id, when (the estate's
    clock, datetime-local), day, phone."""

    name: str
    label: str  # the phrase key of its label
    kind: str = "text"
    required: bool = False
    longest: int = 200
    choices: tuple[str, ...] = ()


def read_form(fields: Iterable[Field], form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """The values to send (empty optional fields left out) and the refusals by field name."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = (form.get(field.name) or "").strip()
        if not raw:
            if field.required:
                errors[field.name] = t("desk_required").format(label=t(field.label))
            continue
        try:
            values[field.name] = _value(field, raw)
        except ValueError as wrong:
            errors[field.name] = t(str(wrong)).format(label=t(field.label), longest=field.longest)
    return values, errors


def _value(field: Field, raw: str) -> Any:  # noqa: PLR0911  (one answer per kind of field)
    if field.kind == "lines":
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if any(len(line) > field.longest for line in lines):
            raise ValueError("desk_too_long")
        return lines
    if len(raw) > field.longest:
        raise ValueError("desk_too_long")
    if field.kind == "choice":
        if raw not in field.choices:
            raise ValueError("desk_not_a_choice")
        return raw
    if field.kind == "id":
        try:
            return str(uuid.UUID(raw))
        except ValueError:
            raise ValueError("desk_not_a_choice") from None
    if field.kind == "when":
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=SHANGHAI).isoformat()
        except ValueError:
            raise ValueError("desk_not_a_time") from None
    if field.kind == "day":
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError("desk_not_a_day") from None
    if field.kind == "phone":
        if not PHONE.match(raw.replace(" ", "").replace("-", "")):
            raise ValueError("desk_not_a_phone")
        return raw.replace(" ", "").replace("-", "")
    return raw


def refused_on_fields(refused: Refused, fields: Iterable[Field]) -> dict[str, str]:
    """A service's 422 as the form's refusals: the fields it names (its words), else the form's top."""
    named = refused.errors.get("json", refused.errors) if isinstance(refused.errors, dict) else {}
    known = {field.name for field in fields}
    errors = {name: refused.message if not isinstance(words, list | str) else
              f"{refused.message}（{words if isinstance(words, str) else '; '.join(map(str, words))}）"
              for name, words in (named or {}).items() if name in known}
    return errors or {"form": refused.message}


def staff_id() -> str | None:
    """The signed-in staff member's staff id: their token's subject (the gateway signs a staff account's
    token for its member of staff). The token comes from the server-side session, not the browser."""
    try:
        claims = g.staff.access.split(".")[1]
        subject = json.loads(base64.urlsafe_b64decode(claims + "=" * (-len(claims) % 4)))["sub"]
        return str(uuid.UUID(subject))
    except (AttributeError, IndexError, KeyError, ValueError):
        return None


def chosen_estate(asked: str | None, mine: list[dict[str, Any]]) -> str | None:
    """The estate a page shows: the one asked for (another estate's is not found), else their first."""
    ids = [e["id"] for e in mine]
    if asked and asked not in ids:
        raise PageNotFound()
    return asked or (ids[0] if ids else None)


def desk_staff(estate_id: str | None) -> list[dict[str, Any]]:
    """The estate's staff as tickets knows them (whom a handover, a callback or a visit can name)."""
    if estate_id is None:
        return []
    return backends().get("tickets", "/api/v1/staff", estate_id=estate_id, page_size=100)["items"]


def options(rows: Iterable[Mapping[str, Any]], text: str = "name") -> list[tuple[str, str]]:
    """A select's choices from a service's rows: (id, name)."""
    return [(str(row["id"]), str(row[text])) for row in rows]


def phrase_options(values: Iterable[str], prefix: str) -> list[tuple[str, str]]:
    """A select's choices from a fixed list, each shown by its phrase (``prefix`` + value)."""
    return [(value, t(prefix + value)) for value in values]
