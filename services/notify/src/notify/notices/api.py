"""Group notices (通知): create, list, read, preview, cancel, pause, resume."""

from __future__ import annotations

from datetime import UTC
from typing import Any
from uuid import UUID

from tenancy.permissions import REVEAL_PERSONAL_DATA
from tenancy.roles import INTEGRATION_CLIENT

from notify.access import CREATORS, blueprint
from notify.audiences import spec
from notify.notices import schemas as s
from notify.notices import use_cases, views
from notify.tables import pii_reveals
from servicekit.audit import Reveal, audit_reveals
from servicekit.idempotency import IdempotencyHeaders, KeyedRequest
from servicekit.paging import page_schema
from servicekit.rows import now
from servicekit.web import current_principal, refuse
from servicekit.webapp import current_settings, read, unit_of_work

blp = blueprint("notices", __name__, url_prefix="/api/v1/notices", description="Group notices (群发通知)")


def _entry(data: dict[str, Any]) -> dict[str, Any]:
    if current_principal().role == INTEGRATION_CLIENT and "list" not in (data.get("audience") or {}):
        refuse(403, "integration clients send to a list audience only", "集成客户端只能按名单发送")
    if data.get("send_at") is not None:
        data["send_at"] = data["send_at"].astimezone(UTC)
    return data


def _shown(notice: dict[str, Any]) -> dict[str, Any]:
    return _shown_all([notice])[0]


def _shown_all(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every notice answer: a list audience's mobiles and e-mails masked unless the caller has
    ``pii:reveal``, as the notice's recipients endpoint masks the same people; shown whole, each
    notice whose list holds one is audited first (servicekit.audit)."""
    if current_principal().has(REVEAL_PERSONAL_DATA):
        audit_reveals(pii_reveals, [Reveal("notice.audience", n.get("estate_id"), None, n.get("id"))
                                    for n in found if spec.masked(n["audience"]) != n["audience"]])
        return found
    return [{**n, "audience": spec.masked(n["audience"])} for n in found]


@blp.route("", methods=["POST"])
@blp.arguments(IdempotencyHeaders(), location="headers")
@blp.arguments(s.NewNoticeSchema())
@blp.response(201, s.NoticeSchema())
@blp.alt_response(200, schema=s.NoticeSchema, description="The notice an earlier call with this key created")
@blp.allow(CREATORS, estates=("estate_id",))
def create_notice(headers: dict[str, Any], data: dict[str, Any]) -> Any:
    """Create a notice: checked, estimated, scheduled for send_at (now when empty)"""
    data, principal = _entry(data), current_principal()
    keyed = KeyedRequest.of(principal, "POST /notices", headers["idempotency_key"], data)
    made = use_cases.create_notice(unit_of_work(), data, current_settings(), created_by=principal.subject, now=now(),
                                   keyed=keyed)
    return _shown(views.with_actions(made["notice"])), 201 if made["created"] else 200


@blp.route("/preview", methods=["POST"])
@blp.arguments(s.NewNoticeSchema())
@blp.response(200, s.PreviewSchema())
@blp.allow(CREATORS, estates=("estate_id",))
def preview_notice(data: dict[str, Any]) -> Any:
    """What a notice would send, for a sample recipient, and its estimate (recipients, SMS parts, cost); not saved"""
    return read(views.preview, _entry(data), current_settings(), now())


@blp.route("", methods=["GET"])
@blp.arguments(s.NoticeListArgs(), location="query")
@blp.response(200, page_schema(s.NoticeSchema))
@blp.allow(CREATORS, estates=("estate_id",))
def list_notices(args: dict[str, Any]) -> Any:
    """The notices of the caller's estates, newest first"""
    page = read(views.notice_list, current_principal(), args)
    return {**page, "items": _shown_all(page["items"])}


@blp.route("/<uuid:notice_id>", methods=["GET"])
@blp.response(200, s.NoticeSchema())
@blp.allow(CREATORS)
def get_notice(notice_id: UUID) -> Any:
    """A notice with its status, its estimate and the actions it allows"""
    return _shown(read(views.notice, notice_id))


def _action(action: str, notice_id: UUID) -> Any:
    return _shown(views.with_actions(use_cases.change_status(unit_of_work(), notice_id, action, now())))


@blp.route("/<uuid:notice_id>/cancel", methods=["POST"])
@blp.response(200, s.NoticeSchema())
@blp.allow(CREATORS)
def cancel_notice(notice_id: UUID) -> Any:
    """Cancel a scheduled, sending or paused notice (its queued messages too)"""
    return _action("cancel", notice_id)


@blp.route("/<uuid:notice_id>/pause", methods=["POST"])
@blp.response(200, s.NoticeSchema())
@blp.allow(CREATORS)
def pause_notice(notice_id: UUID) -> Any:
    """Pause a sending notice: its queued messages wait"""
    return _action("pause", notice_id)


@blp.route("/<uuid:notice_id>/resume", methods=["POST"])
@blp.response(200, s.NoticeSchema())
@blp.allow(CREATORS)
def resume_notice(notice_id: UUID) -> Any:
    """Resume a paused notice"""
    return _action("resume", notice_id)
