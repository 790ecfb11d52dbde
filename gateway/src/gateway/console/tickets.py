"""A ticket's page (issue 24): the textbook's stages as a timeline with their times, the SLA clocks
counting down, the steps allowed now (each a small form: dispatch shows whom dispatch would choose
and why), the attachments with previews and an upload, the stage report, the owner's evaluation, and
the caller and unit with their contacts masked.

Everything comes from the tickets API with the staff member's token: another estate's ticket, or to
a technician another's ticket, is the API's 404 and this console's "not found". After a step the
page is shown again by a redirect (POST, redirect, GET); a refused form is shown again with its
message beside the field and nothing changed."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from flask import Response, g, redirect, request
from tenancy.roles import TECHNICIAN

from gateway.console import ticket_forms
from gateway.console.frame import backends, blp, checked_post, page, staff_page, t
from gateway.console.ticket_view import shown_ticket
from gateway.pages.backends import Refused

# An attachment as uploaded through the page: the file (10 MB, the tickets API's limit) and its form.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
UPLOAD_OVERHEAD = 64 * 1024
# Shown in the page (thumbnails); any other file (a PDF, a HEIC photo) is downloaded.
SHOWN_INLINE = frozenset({"image/jpeg", "image/png", "image/webp"})
DONE = frozenset(ticket_forms.STEPS) | {"attached"}


def _ticket_path(ticket_id: UUID, rest: str = "") -> str:
    return f"/api/v1/tickets/{ticket_id}{rest}"


@blp.route("/console/tickets/<uuid:ticket_id>", methods=["GET"])
@staff_page
def ticket_page(ticket_id: UUID) -> Any:
    done = request.args.get("done")
    return _shown(ticket_id, done=done if done in DONE else None)


def _shown(ticket_id: UUID, status: int = 200, **form_state: Any) -> Any:
    """The page, with a refused form's state (``failed`` action, ``errors``, ``values``, ``problem``)."""
    context = shown_ticket(backends(), ticket_id, g.staff.role, datetime.now(UTC))
    return page("ticket_page", status, **context, **{"failed": None, "errors": {}, "values": {}, "problem": None,
                                                     "done": None, **form_state})


@blp.route("/console/tickets/<uuid:ticket_id>/steps/<action>", methods=["POST"])
@staff_page
@checked_post
def take_step(ticket_id: UUID, action: str) -> Any:
    """One step of the procedure through its form; refused: the page again, the form's message beside
    its field (the staff member's language) and nothing changed."""
    step = ticket_forms.STEPS.get(action)
    if step is None or (g.staff.role == TECHNICIAN and action not in ticket_forms.TECHNICIAN_STEPS):
        return _shown(ticket_id, 404) if step is None else page("message", 403, title=t("console"),
                                                                message=t("ticket_not_yours"))
    values = {k: v for k, v in request.form.items() if k != "csrf"}
    try:
        sent = ticket_forms.body(action, request.form, datetime.now(UTC))
    except ticket_forms.Refusal as refused:
        errors = {field: t(f"ticket_error_{key}") for field, key in refused.errors.items()}
        return _shown(ticket_id, 422, failed=action, errors=errors, values=values)
    try:
        backends().call("tickets", "POST", _ticket_path(ticket_id, f"/{step.path}"), json=sent)
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        field = ticket_forms.field_of(refused.errors)
        errors = {field: refused.message} if field else {}
        return _shown(ticket_id, refused.status, failed=action, errors=errors, values=values,
                      problem=None if field else refused.message)
    return redirect(f"/console/tickets/{ticket_id}?done={action}#stages", 303)


@blp.route("/console/tickets/<uuid:ticket_id>/steps/<action>", methods=["GET"])
@blp.route("/console/tickets/<uuid:ticket_id>/attachments", methods=["GET"])
@staff_page
def back_to_ticket(ticket_id: UUID, action: str | None = None) -> Any:
    """A refused form's address opened again (the language switched, a reload): the ticket's page."""
    return redirect(f"/console/tickets/{ticket_id}", 303)


def _upload_sized(view: Callable[..., Any]) -> Callable[..., Any]:
    """The upload's form may hold a 10 MB file: more than any other console form (set before the
    form is read, by the session's check too)."""
    @functools.wraps(view)
    def sized(*args: Any, **kwargs: Any) -> Any:
        request.max_content_length = MAX_UPLOAD_BYTES + UPLOAD_OVERHEAD
        return view(*args, **kwargs)

    return sized


@blp.route("/console/tickets/<uuid:ticket_id>/attachments", methods=["POST"])
@_upload_sized
@staff_page
@checked_post
def attach(ticket_id: UUID) -> Any:
    """A photo or a PDF attached through the page (the tickets API reads its type from its content)."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _shown(ticket_id, 422, failed="attach", errors={"file": t("ticket_error_need_file")})
    data = upload.stream.read(MAX_UPLOAD_BYTES + 1)
    if not data:
        return _shown(ticket_id, 422, failed="attach", errors={"file": t("ticket_error_need_file")})
    if len(data) > MAX_UPLOAD_BYTES:
        return _shown(ticket_id, 413, failed="attach", errors={"file": t("ticket_error_file_too_large")})
    try:
        backends().call("tickets", "POST", _ticket_path(ticket_id, "/attachments"),
                        files={"file": (upload.filename, data, upload.mimetype or "application/octet-stream")})
    except Refused as refused:
        if refused.status in (401, 403, 404):
            raise
        return _shown(ticket_id, refused.status, failed="attach", errors={"file": refused.message})
    return redirect(f"/console/tickets/{ticket_id}?done=attached#attachments", 303)


@blp.route("/console/tickets/<uuid:ticket_id>/attachments/<uuid:attachment_id>", methods=["GET"])
@staff_page
def attachment(ticket_id: UUID, attachment_id: UUID) -> Any:
    """An attachment as the tickets API gives it to this staff member (a thumbnail's source, a link)."""
    data, content_type = backends().download("tickets", _ticket_path(ticket_id, f"/attachments/{attachment_id}"))
    kind = content_type.split(";")[0].strip().lower()
    disposition = "inline" if kind in SHOWN_INLINE else "attachment"
    # Only an image is shown from the console's origin; anything else is saved, never opened here.
    return Response(data, content_type=kind if kind in SHOWN_INLINE else "application/octet-stream",
                    headers={"Content-Disposition": f'{disposition}; filename="{attachment_id}{_extension(kind)}"'})


def _extension(kind: str) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/heic": ".heic",
            "application/pdf": ".pdf"}.get(kind, "")
