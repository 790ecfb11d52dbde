"""Request and response schemas of the attachments' API (an upload is a multipart body, documented
as it is sent: :data:`UPLOAD`)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

PROBLEM: dict[str, Any] = {"content": {"application/problem+json": {"schema": {"type": "object"}}}}
UPLOAD: dict[str, Any] = {"required": True, "content": {"multipart/form-data": {
    "schema": {"type": "object", "required": ["file"],
               "properties": {"file": {"type": "string", "format": "binary",
                                       "description": "A JPEG, PNG, WebP or HEIC photo, or a PDF"}}}}}}
DOWNLOAD: dict[str, Any] = {"200": {"description": "The file, as uploaded", "content": {
    media: {"schema": {"type": "string", "format": "binary"}}
    for media in ("image/jpeg", "image/png", "image/webp", "image/heic", "application/pdf")}}}


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
