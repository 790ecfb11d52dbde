"""Photos and files attached to a ticket: upload, list, download, remove (TKT-1).

An owner (their token's ``sub`` their person) attaches to, lists and downloads from their own
tickets only (one they reported or of a unit they live in: tickets.tickets.api.owners_own_only), a
technician to and from those assigned to them;
anyone else's is 404 to them, as another estate's. Only the desk removes one."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn
from uuid import UUID

from flask import Response, current_app, request
from tenancy.roles import DESK, OWNER, STAFF

from servicekit.access import ScopedBlueprint
from servicekit.config import var_dir
from servicekit.rows import now
from servicekit.web import current_principal, file_answer, refuse
from servicekit.webapp import current_settings, read, unit_of_work
from tickets.access import SCOPE
from tickets.attachments import schemas, use_cases, views
from tickets.attachments.local import LocalStorage
from tickets.attachments.s3 import S3Storage
from tickets.attachments.storage import Storage, StorageUnavailable
from tickets.tickets.api import owners_own_only
from tickets.tickets.timeline import Actor

blp = ScopedBlueprint("attachments", __name__, scope=SCOPE, url_prefix="/api/v1/tickets",
                      description="Photos and files attached to a ticket (附件)")

# What a multipart body adds around the file itself (boundaries, part headers, a file name).
MULTIPART_OVERHEAD = 16 * 1024
_STORAGE = "tickets.attachment_storage"
READERS = STAFF | {OWNER}


@blp.route("/<uuid:ticket_id>/attachments", methods=["GET"])
@blp.response(200, schemas.AttachmentSchema(many=True))
@blp.allow(READERS)
def list_attachments(ticket_id: UUID) -> list[dict[str, Any]]:
    """A ticket's attachments, oldest first (an owner: of their own tickets only)"""
    owners_own_only(ticket_id)
    return read(views.ticket_attachments, ticket_id)


@blp.route("/<uuid:ticket_id>/attachments", methods=["POST"])
@blp.response(201, schemas.AttachmentSchema)
@blp.doc(requestBody=schemas.UPLOAD, responses={
    "409": {"description": "The ticket is closed (archived, merged or cancelled)", **schemas.PROBLEM},
    "413": {"description": "The file is larger than TICKETS_MAX_ATTACHMENT_BYTES", **schemas.PROBLEM},
    "415": {"description": "Not multipart/form-data, or the file is not a JPEG, PNG, WebP, HEIC or PDF, or is "
                           "an HTML page or a PHP script as well", **schemas.PROBLEM},
    "422": {"description": "No file, or an empty one", **schemas.PROBLEM},
    "503": {"description": "The attachment store cannot be reached just now; nothing was kept", **schemas.PROBLEM}})
@blp.allow(READERS)
def attach_file(ticket_id: UUID) -> dict[str, Any]:
    """Attach a photo or a PDF to a ticket (its type is read from its content; an owner: to their own tickets)"""
    owners_own_only(ticket_id)
    filename, data = _uploaded_file()
    try:
        return use_cases.attach(unit_of_work(), storage(), ticket_id, filename, data,
                                Actor.of(current_principal()), now())
    except use_cases.UnsupportedFile as refused:
        refuse(415, refused.message.en, refused.message.zh, errors=refused.errors)
    except StorageUnavailable:
        _store_unavailable()


@blp.route("/<uuid:ticket_id>/attachments/<uuid:attachment_id>", methods=["GET"])
@blp.doc(responses=schemas.DOWNLOAD)
@blp.allow(READERS)
def download_attachment(ticket_id: UUID, attachment_id: UUID) -> Response:
    """Download an attachment (an owner: of their own tickets only)"""
    owners_own_only(ticket_id)
    row = read(views.ticket_attachment, ticket_id, attachment_id)
    try:
        data = storage().get(row["storage_key"])
    except StorageUnavailable:
        _store_unavailable()
    # Opened from the API's own origin, a file must not run anything (a PDF's scripts...).
    return file_answer(data, row["content_type"], row["filename"], **{
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=0, must-revalidate"})


@blp.route("/<uuid:ticket_id>/attachments/<uuid:attachment_id>", methods=["DELETE"])
@blp.response(204)
@blp.allow(DESK)
def remove_attachment(ticket_id: UUID, attachment_id: UUID) -> None:
    """Remove an attachment (the desk: one uploaded by mistake)"""
    use_cases.remove(unit_of_work(), storage(), ticket_id, attachment_id, Actor.of(current_principal()), now())


def storage() -> Storage:
    """This app's attachment store, made once from its settings: ``local`` (a folder, the default)
    or ``s3`` (S3-compatible storage)."""
    if _STORAGE not in current_app.extensions:
        settings = current_settings()
        if settings.storage == "s3":
            made: Storage = S3Storage(bucket=settings.s3_bucket, endpoint_url=settings.s3_endpoint_url or None,
                                      region=settings.s3_region)
        elif settings.storage == "local":
            made = LocalStorage(Path(settings.attachments_dir or var_dir() / "tickets-attachments"))
        else:
            raise ValueError(f"unknown attachment storage {settings.storage!r} (local or s3)")
        current_app.extensions[_STORAGE] = made
    return current_app.extensions[_STORAGE]  # type: ignore[no-any-return]


def _store_unavailable() -> NoReturn:
    refuse(503, "the attachment store cannot be reached just now; try again later",
           "附件存储暂时无法访问，请稍后再试")


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
