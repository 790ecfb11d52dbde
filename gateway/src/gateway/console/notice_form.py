"""The compose form of a notice read into the body of notify's ``POST /notices``: the template and
its variables, the audience (the whole estate, buildings, units or a list typed one household a
line), the channels in fallback order and when to send. What is wrong is said per field in the staff
member's language, and nothing is sent while anything is; notify checks the rest (a list's mobiles,
the SMS length) and its refusal is shown as it words it."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from uuid import UUID

from flask import g
from werkzeug.datastructures import MultiDict

from gateway.console.frame import SHANGHAI, t
from gateway.console.people import named

CHANNELS = ("sms", "email", "in_app")
AUDIENCES = ("estate", "buildings", "units", "list")
ROLES = ("owners", "occupants")
# What notify fills in for each recipient: never asked of the staff member.
PER_RECIPIENT = frozenset({"name", "unit", "estate"})
# A list's line: name, mobile and an optional e-mail, split by a comma (either width), ; or a tab.
_LIST_LINE = re.compile(r"\s*[,，;；\t]\s*")


def template_texts(template: dict[str, Any] | None) -> tuple[str, list[str]]:
    """A template's subject in the staff member's language, and the variables the staff fill in."""
    if template is None:
        return "", []
    texts = template.get("texts") or {}
    chosen = texts.get("en" if g.language == "en" else "zh-CN") or next(iter(texts.values()), {})
    return chosen.get("subject", template["code"]), [v for v in template.get("variables", []) if v not in PER_RECIPIENT]



def read_notice(form: MultiDict, templates: list[dict[str, Any]],
                now: datetime) -> tuple[dict[str, Any], dict[str, str]]:
    """The body of notify's ``POST /notices`` from the compose form, and what is wrong with the form
    (each field's message in the staff member's language); nothing is sent while anything is."""
    errors: dict[str, str] = {}
    template = next((x for x in templates if x["id"] == form.get("template_id")), None)
    if template is None:
        errors["template_id"] = t("bad_template")
    title = (form.get("title") or "").strip()
    if not title or len(title) > 200:
        errors["title"] = t("bad_title")
    variables = {}
    for name in template_texts(template)[1]:
        value = (form.get(f"var.{name}") or "").strip()
        if not value:
            errors[f"var.{name}"] = t("bad_variable").format(name=named("var", name))
        variables[name] = value
    audience = _audience(form, errors)
    channels = [c for c in CHANNELS if c in form.getlist("channels")]
    if not channels:
        errors["channels"] = t("bad_channels")
    send_at = None
    if form.get("when") == "later":
        try:
            send_at = datetime.fromisoformat(form.get("send_at") or "").replace(tzinfo=SHANGHAI)
        except ValueError:
            send_at = None
        if send_at is None or send_at <= now:
            errors["send_at"] = t("bad_send_at")
    body = {"estate_id": form.get("estate_id"), "template_id": form.get("template_id"), "title": title,
            "channels": channels, "audience": audience, "variables": variables,
            "urgent": form.get("urgent") == "on", "consent_to_split": form.get("consent_to_split") == "on"}
    if send_at is not None:
        body["send_at"] = send_at.isoformat()
    return body, errors


def _audience(form: MultiDict, errors: dict[str, str]) -> dict[str, Any]:
    kind, role = form.get("audience"), form.get("role") if form.get("role") in ROLES else "owners"
    if kind == "estate":
        return {"estate": True, "role": role}
    if kind in ("buildings", "units"):
        ids = []
        for value in form.getlist(kind):
            try:
                ids.append(str(UUID(value)))
            except ValueError:
                continue
        if not ids:
            errors[kind] = t(f"bad_{kind}")
        return {kind: ids, "role": role}
    if kind == "list":
        entries = []
        lines = [line for line in (form.get("list") or "").splitlines() if line.strip()]
        for number, line in enumerate(lines, start=1):
            parts = _LIST_LINE.split(line.strip())
            if len(parts) not in (2, 3) or not all(parts):
                errors.setdefault("list", t("bad_list_line").format(n=number))
                continue
            entry = {"name": parts[0], "mobile": parts[1]}
            if len(parts) == 3:
                entry["email"] = parts[2]
            entries.append(entry)
        if not lines:
            errors["list"] = t("bad_list")
        return {"list": entries}
    errors["audience"] = t("bad_audience")
    return {}
