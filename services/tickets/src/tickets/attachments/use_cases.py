"""Attaching a file to a ticket and removing one; each a step on the ticket's timeline."""

from __future__ import annotations

import hashlib
import logging
import uuid
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert

from servicekit.errors import Conflict, Invalid
from servicekit.rows import get_row
from servicekit.unit_of_work import UnitOfWork
from tickets.attachments.kinds import ACCEPTED, safe_filename, second_format, sniff
from tickets.attachments.storage import Storage, storage_key
from tickets.attachments.views import ticket_attachment
from tickets.domain.stages import is_closed
from tickets.tables import attachments, tickets
from tickets.tickets.timeline import Actor, add_step

log = logging.getLogger(__name__)


class UnsupportedFile(Invalid):
    """The file's content is none of the accepted formats (whatever its name or declared type)."""


def attach(uow: UnitOfWork, storage: Storage, ticket_id: UUID, filename: str | None, data: bytes,
           actor: Actor, at: datetime) -> dict[str, Any]:
    """Keep ``data`` as an attachment of the ticket; its type is read from its content. A store
    that cannot be reached (:class:`~tickets.attachments.storage.StorageUnavailable`) keeps nothing."""
    if not data:
        raise Invalid("the file is empty", "文件为空", errors={"file": ["is empty"]})
    kind = sniff(data[:32])
    if kind is None:
        accepted = ", ".join(k.content_type for k in ACCEPTED)
        raise UnsupportedFile(f"only photos and PDF files can be attached ({accepted})",
                              "只能上传照片（JPEG、PNG、WebP、HEIC）或 PDF 文件",
                              errors={"file": ["is not a JPEG, PNG, WebP, HEIC or PDF file"]})
    other = second_format(data)
    if other is not None:
        raise UnsupportedFile(f"the file is a {kind.content_type} file and an {other} file at once; save it again "
                              "(a photo as a new photo, a PDF printed to PDF) and attach that",
                              f"该文件同时是{kind.content_type}和{other}文件，请重新保存（照片另存、PDF重新打印为PDF）后再上传",
                              errors={"file": [f"also holds {other}"]})
    with uow:
        ticket = get_row(uow, tickets, ticket_id, "ticket", what_zh="工单")
        if is_closed(ticket["stage"]):
            raise Conflict(f"the ticket is {ticket['stage']}; nothing can be attached", "工单已关闭，不能再添加附件")
        row = {"id": uuid.uuid4(), "ticket_id": ticket_id, "estate_id": ticket["estate_id"],
               "filename": safe_filename(filename, kind), "content_type": kind.content_type, "size": len(data),
               "sha256": hashlib.sha256(data).hexdigest(), "uploaded_by": actor.subject, "uploaded_at": at}
        row["storage_key"] = storage_key(ticket["estate_id"], ticket_id, row["id"])
        storage.put(row["storage_key"], data, kind.content_type)
        try:
            uow.execute(insert(attachments).values(row))
            add_step(uow, ticket, "attachment_added", actor, at,
                     details={"attachment_id": str(row["id"]), "filename": row["filename"]})
            uow.commit()
        except BaseException:
            storage.delete(row["storage_key"])  # no bytes without their row
            raise
    return row


def remove(uow: UnitOfWork, storage: Storage, ticket_id: UUID, attachment_id: UUID, actor: Actor,
           at: datetime) -> None:
    """Remove an attachment: its row and timeline step in one transaction, then its bytes."""
    with uow:
        ticket = get_row(uow, tickets, ticket_id, "ticket", what_zh="工单")
        row = ticket_attachment(uow, ticket_id, attachment_id)
        uow.execute(delete(attachments).where(attachments.c.id == attachment_id))
        add_step(uow, ticket, "attachment_removed", actor, at,
                 details={"attachment_id": str(attachment_id), "filename": row["filename"]})
        uow.commit()
    try:
        storage.delete(row["storage_key"])
    except Exception:  # the row is gone, so nobody can reach the bytes; an orphan is only space
        log.exception("could not delete the bytes of attachment %s", attachment_id)
