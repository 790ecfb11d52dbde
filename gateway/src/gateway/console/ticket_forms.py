"""The action forms of a ticket's page: each step of the procedure the page offers, the API path it
posts to, and what its form must hold. A form is checked here first (a clear message beside the
field, in the staff member's language, and nothing sent), then the tickets API checks it again and
may still refuse it (its words are shown the same way).

Which steps a page offers is the ticket's ``allowed_actions`` (the API's, for its stage), less those
the staff member's role may not take: a technician marks their own tickets arrived and resolved,
the desk takes every step."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from tenancy.roles import TECHNICIAN

from gateway.console.frame import SHANGHAI

NOTE_MAX = 2000
REASON_MAX = 500
COMMENT_MAX = 1000
INFORMED_HOW = ("phone", "message", "visit", "app", "in_person")
REOPEN_TO = ("acknowledged", "dispatched")


@dataclass(frozen=True)
class Step:
    """One action the page offers: its API path (``POST /api/v1/tickets/{id}/<path>``) and whether
    its form is shown open (the procedure's next step) or folded (the rarer ones)."""

    action: str
    path: str
    open: bool = True


STEPS: dict[str, Step] = {step.action: step for step in (
    Step("acknowledge", "acknowledge"), Step("dispatch", "dispatch"), Step("reassign", "reassign", open=False),
    Step("arrive", "arrive"), Step("explain", "explain", open=False), Step("escalate", "escalate", open=False),
    Step("resolve", "resolve"), Step("inform_owner", "inform-owner"), Step("evaluate", "evaluate"),
    Step("archive", "archive"), Step("reopen", "reopen", open=False), Step("merge", "merge", open=False),
    Step("cancel", "cancel", open=False), Step("pause", "pause", open=False), Step("resume", "resume"),
)}

TECHNICIAN_STEPS = frozenset({"arrive", "resolve"})


def offered(allowed: list[str], role: str) -> list[str]:
    """The steps the page offers now: the ticket's allowed actions the role may take, the procedure's
    next steps (shown open) before the rarer ones (folded), each in the procedure's order."""
    mine = [a for a in allowed if a in STEPS and (role != TECHNICIAN or a in TECHNICIAN_STEPS)]
    return sorted(mine, key=lambda action: not STEPS[action].open)


class Refusal(Exception):
    """The form does not hold what the step needs: field -> phrase key (TICKET)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def body(action: str, form: Mapping[str, str], now: datetime) -> dict[str, Any]:
    """The JSON body of ``action``'s API call from its form, or :class:`Refusal`."""
    errors: dict[str, str] = {}
    sent: dict[str, Any] = {}

    def text(name: str, limit: int, required: bool = False, key: str | None = None) -> str:
        value = (form.get(name) or "").strip()
        if required and not value:
            errors[name] = key or f"need_{name}"
        elif len(value) > limit:
            errors[name] = f"too_long_{limit}"
        return value

    if action in ("acknowledge", "arrive", "archive", "resume"):
        sent["note"] = text("note", NOTE_MAX)
    elif action == "dispatch":
        sent["note"] = text("note", NOTE_MAX)
        staff = _uuid(form.get("staff_id"), "staff_id", errors, "need_staff_id")
        if staff is not None:
            sent["staff_id"] = staff
    elif action == "reassign":
        sent["reason"] = text("reason", REASON_MAX, required=True)
        staff = _uuid(form.get("staff_id"), "staff_id", errors, "need_staff_id")
        if staff is not None:
            sent["staff_id"] = staff
    elif action in ("escalate", "cancel", "pause"):
        sent["reason"] = text("reason", REASON_MAX, required=True)
    elif action == "reopen":
        sent["reason"] = text("reason", REASON_MAX, required=True)
        if form.get("to") not in REOPEN_TO:
            errors["to"] = "need_to"
        else:
            sent["to"] = form["to"]
    elif action == "resolve":
        sent["resolution"] = text("resolution", NOTE_MAX, required=True)
    elif action == "explain":
        sent["explanation"] = text("explanation", NOTE_MAX, required=True)
        promised = _local_time(form.get("promised_by"))
        if promised is None:
            errors["promised_by"] = "need_promised_by"
        elif promised <= now:
            errors["promised_by"] = "promise_past"
        else:
            sent["promised_by"] = promised.isoformat()
    elif action == "inform_owner":
        sent["note"] = text("note", NOTE_MAX)
        if form.get("how") not in INFORMED_HOW:
            errors["how"] = "need_how"
        else:
            sent["how"] = form["how"]
    elif action == "evaluate":
        score = (form.get("score") or "").strip()
        if score not in ("1", "2", "3", "4", "5"):
            errors["score"] = "need_score"
        else:
            sent["score"] = int(score)
        sent["comment"] = text("comment", COMMENT_MAX)
    elif action == "merge":
        into = _uuid(form.get("into_ticket_id"), "into_ticket_id", errors, "need_into")
        if into is None and "into_ticket_id" not in errors:
            errors["into_ticket_id"] = "need_into"
        sent["into_ticket_id"] = into
    if errors:
        raise Refusal(errors)
    return sent


def _uuid(value: str | None, name: str, errors: dict[str, str], key: str) -> str | None:
    """A chosen row's id; empty is None (for dispatch: let dispatch choose)."""
    if not value:
        return None
    try:
        return str(UUID(value))
    except ValueError:
        errors[name] = key
        return None


def _local_time(value: str | None) -> datetime | None:
    """A ``datetime-local`` field (the estate's clock, Asia/Shanghai) as an aware time."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed.replace(tzinfo=SHANGHAI) if parsed.tzinfo is None else parsed


def field_of(problem_errors: Any) -> str | None:
    """The form field a tickets API refusal names (``{"json": {"staff_id": [...]}}``), if one."""
    if isinstance(problem_errors, dict):
        named = problem_errors.get("json", problem_errors)
        if isinstance(named, dict):
            for name in named:
                if name in ("note", "reason", "resolution", "explanation", "promised_by", "staff_id", "how", "score",
                            "comment", "into_ticket_id", "to"):
                    return str(name)
    return None
