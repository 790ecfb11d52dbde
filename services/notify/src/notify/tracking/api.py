"""Delivery tracking (NTF-2): a notice's live totals, its recipients with their messages (the
not-reached list), one recipient's history, "did person X get notice Y", exports, and resending
to the not reached over another channel."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from flask import request
from tenancy.roles import DESK, OWNER

from notify.access import blueprint
from notify.tracking import exports, use_cases, views
from notify.tracking import schemas as s
from notify.tracking.masking import shown_recipients
from servicekit.access import only_their_own
from servicekit.paging import PageArgs, page_schema
from servicekit.rows import now
from servicekit.spreadsheet import CSV, XLSX
from servicekit.web import current_principal, file_answer
from servicekit.webapp import read, unit_of_work

blp = blueprint("tracking", __name__, url_prefix="/api/v1/notices",
                description="Delivery tracking: who got a notice, who must still be called (送达跟踪)")
_PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}


@blp.route("/<uuid:notice_id>/totals", methods=["GET"])
@blp.response(200, s.TotalsSchema)
@blp.allow(DESK)
def notice_totals(notice_id: UUID) -> Any:
    """Messages by state and channel, recipients reached / not reached / excluded, counted now"""
    return read(views.totals, notice_id)


@blp.route("/<uuid:notice_id>/recipients", methods=["GET"])
@blp.arguments(s.RecipientListArgs(), location="query")
@blp.response(200, page_schema(s.RecipientSchema))
@blp.allow(DESK, rows=("building_id", "unit_id"))
def notice_recipients(args: dict[str, Any], notice_id: UUID) -> Any:
    """The recipients with each one's messages over every channel; outcome=not_reached is the list to call"""
    page = read(views.recipient_page, notice_id, args)
    return {**page, "items": shown_recipients(page["items"])}


@blp.route("/<uuid:notice_id>/recipients/export", methods=["GET"])
@blp.arguments(s.ExportArgs(), location="query")
@blp.response(200, description="The recipients as CSV or XLSX")
@blp.doc(responses={"200": {"description": "The recipients and their outcome", "content": {
    CSV: {"schema": {"type": "string"}}, XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@blp.allow(DESK, rows=("building_id", "unit_id"))
def export_recipients(args: dict[str, Any], notice_id: UUID) -> Any:
    """The recipients and their outcome as CSV or XLSX, headed in zh-CN or English"""
    found = read(views.recipient_export, notice_id, args)
    rows, zone = shown_recipients(found["rows"]), found["zone"]
    lang = args.get("lang") or request.accept_languages.best_match(exports.LANGUAGES) or "zh-CN"
    name = f"notice-{notice_id}-recipients"
    if args["format"] == "xlsx":
        data, mimetype = exports.recipients_xlsx(rows, lang, zone, found["title"]), XLSX
    else:
        data, mimetype = exports.recipients_csv(rows, lang, zone), CSV
    return file_answer(data, mimetype, f"{name}.{args['format']}")


@blp.route("/<uuid:notice_id>/recipients/<uuid:recipient_id>", methods=["GET"])
@blp.response(200, s.RecipientSchema)
@blp.doc(responses={"404": {"description": "No such notice (or not the caller's), or no such recipient of it",
                            **_PROBLEM}})
@blp.allow(DESK)
def notice_recipient(notice_id: UUID, recipient_id: UUID) -> Any:
    """One recipient: every message over every channel, each with its whole history"""
    return shown_recipients([read(views.recipient, notice_id, recipient_id)])[0]


@blp.route("/reach", methods=["GET"])
@blp.arguments(s.ReachArgs, location="query")
@blp.response(200, s.ReachSchema)
@blp.allow(DESK, rows=("estate_id",))
def estate_reach(args: dict[str, Any]) -> Any:
    """How an estate's notices did since a time (default: the last 30 days): recipients, reached, the rate"""
    return read(views.estate_reach, args["estate_id"], args.get("since") or now() - timedelta(days=30))


@blp.route("/for-person/<uuid:person_id>", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_schema(s.PersonsNoticeSchema))
@blp.allow(DESK | {OWNER})
def persons_notices(args: dict[str, Any], person_id: UUID) -> Any:
    """The notices a person was sent, latest first, each with whether and how it reached them (an owner:
    their own only; another person is 404)"""
    only_their_own(person_id, {OWNER})
    return read(views.persons_notices, current_principal(), person_id, args)


@blp.route("/<uuid:notice_id>/recipients/by-person/<uuid:person_id>", methods=["GET"])
@blp.response(200, s.ByPersonSchema)
@blp.allow(DESK)
def notice_by_person(notice_id: UUID, person_id: UUID) -> Any:
    """Did this person get this notice: reached or not, over which channel, when, every attempt"""
    answer = read(views.by_person, notice_id, person_id)
    return {**answer, "recipients": shown_recipients(answer["recipients"])}


@blp.route("/<uuid:notice_id>/resend", methods=["POST"])
@blp.arguments(s.ResendSchema())
@blp.response(201, s.ResentSchema)
@blp.doc(responses={"409": {"description": "The notice was cancelled", **_PROBLEM},
                    "422": {"description": "No not-reached recipient has an address for the channel", **_PROBLEM}})
@blp.allow(DESK)
def resend_notice(data: dict[str, Any], notice_id: UUID) -> Any:
    """Send again to the not-reached recipients over another channel (e.g. e-mail after a failed SMS)"""
    return use_cases.resend(unit_of_work(), notice_id, data["channel"], data.get("recipients"), now())
