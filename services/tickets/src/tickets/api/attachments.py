"""Photos and files attached to a ticket: upload, list, download, remove (TKT-1)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from uuid import UUID

from flask import Response, current_app, request
from flask.views import MethodView
from marshmallow import Schema, fields
from tenancy.roles import DESK, STAFF

from servicekit.rows import now
from servicekit.web import current_principal, refuse
from servicekit.webapp import current_settings, read, unit_of_work
from tickets.api.access import blueprint
from tickets.attachments import use_cases, views
from tickets.attachments.storage import Storage, storage_from_settings
from tickets.timeline import Actor

blp = blueprint("attachments", __name__, url_prefix="/api/v1/tickets",
                description="Photos and files attached to a ticket (附件)")

# What a multipart body adds around the file itself (boundaries, part headers, a file name).
MULTIPART_OVERHEAD = 16 * 1024
_STORAGE = "tickets.attachment_storage"
_PROBLEM = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
_UPLOAD = {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary",
                                       "description": "A JPEG, PNG, WebP or HEIC photo, or a PDF"}}}}}}


class AttachmentSchema(Schema):
    id = fields.UUID()
    ticket_id = fields.UUID()
    estate_id = fields.UUID()
    filename = fields.String(metadata={"description": "The uploaded name, made safe; its extension matches "
                                                      "the content"})
    content_type = fields.String(metadata={"description": "Read from the content (magic bytes), not the client"})
    size = fields.Integer()
    sha256 = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()


def storage() -> Storage:
    """This app's attachment storage, made once from its settings."""
    if _STORAGE not in current_app.extensions:
        current_app.extensions[_STORAGE] = storage_from_settings(current_settings())
    return current_app.extensions[_STORAGE]  # type: ignore[no-any-return]


def _actor() -> Actor:
    principal = current_principal()
    return Actor(principal.subject, principal.role)


@blp.route("/<uuid:ticket_id>/attachments")
class TicketAttachments(MethodView):
    @blp.response(200, AttachmentSchema(many=True))
    @blp.allow(STAFF)
    def get(self, ticket_id: UUID) -> list[dict[str, Any]]:
        """A ticket's attachments, oldest first"""
        return read(views.ticket_attachments, ticket_id)

    @blp.response(201, AttachmentSchema)
    @blp.doc(requestBody=_UPLOAD, responses={
        "409": {"description": "The ticket is closed (archived, merged or cancelled)", **_PROBLEM},
        "413": {"description": "The file is larger than TICKETS_MAX_ATTACHMENT_BYTES", **_PROBLEM},
        "415": {"description": "Not multipart/form-data, or the file is not a JPEG, PNG, WebP, HEIC or PDF",
                **_PROBLEM},
        "422": {"description": "No file, or an empty one", **_PROBLEM}})
    @blp.allow(STAFF)
    def post(self, ticket_id: UUID) -> dict[str, Any]:
        """Attach a photo or a PDF to a ticket (its type is read from its content)"""
        filename, data = _uploaded_file()
        try:
            return use_cases.attach(unit_of_work(), storage(), ticket_id, filename, data, _actor(), now())
        except use_cases.UnsupportedFile as refused:
            refuse(415, refused.message.en, refused.message.zh, errors=refused.errors)


@blp.route("/<uuid:ticket_id>/attachments/<uuid:attachment_id>")
class TicketAttachment(MethodView):
    @blp.doc(responses={"200": {"description": "The file, as uploaded", "content": {
        media: {"schema": {"type": "string", "format": "binary"}}
        for media in ("image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf")}}})
    @blp.allow(STAFF)
    def get(self, ticket_id: UUID, attachment_id: UUID) -> Response:
        """Download an attachment"""
        row = read(views.ticket_attachment, ticket_id, attachment_id)
        return Response(storage().get(row["storage_key"]), mimetype=row["content_type"], headers={
            "Content-Disposition": content_disposition(row["filename"]),
            "X-Content-Type-Options": "nosniff",
            # Opened from the API's own origin, a file must not run anything (a PDF's scripts...).
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, max-age=0, must-revalidate",
        })

    @blp.response(204)
    @blp.allow(DESK)
    def delete(self, ticket_id: UUID, attachment_id: UUID) -> None:
        """Remove an attachment (the desk: one uploaded by mistake)"""
        use_cases.remove(unit_of_work(), storage(), ticket_id, attachment_id, _actor(), now())


def _uploaded_file() -> tuple[str | None, bytes]:
    """The ``file`` part of the multipart body; only this route may send more than the app-wide limit."""
    if request.mimetype != "multipart/form-data":
        refuse(415, f"send the file as multipart/form-data, not {request.mimetype or 'nothing'}",
               "请以 multipart/form-data 方式上传文件")
    limit = current_settings().max_attachment_bytes
    request.max_content_length = limit + MULTIPART_OVERHEAD
    upload = request.files.get("file")
    if upload is None:
        refuse(422, "the form has no file", "未收到文件", errors={"form": {"file": ["is required"]}})
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        refuse(413, f"a file may be at most {limit} bytes", f"文件过大，最多 {limit} 字节")
    return upload.filename, data


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one in RFC 5987 form (Chinese names)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
