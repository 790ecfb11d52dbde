"""Where attachments' bytes are kept: one small interface, an adapter per kind of storage.

Keys are made by the service (``<estate>/<ticket>/<attachment>``, ids only), never from a
client's file name, so no key can name a path outside the store.
"""

from __future__ import annotations

import re
from typing import Protocol
from uuid import UUID

_KEY = re.compile(r"^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}(/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}){2}$")


class StorageUnavailable(Exception):
    """The store cannot be reached just now (refused, timed out, overloaded): worth trying again later."""


class Storage(Protocol):
    """Keeps the bytes of attachments under keys made by :func:`storage_key`; an adapter raises
    :class:`StorageUnavailable` when the store cannot be reached."""

    def put(self, key: str, data: bytes, content_type: str) -> None: ...

    def get(self, key: str) -> bytes: ...

    def delete(self, key: str) -> None: ...


def storage_key(estate_id: UUID, ticket_id: UUID, attachment_id: UUID) -> str:
    """The key an attachment's bytes are stored under."""
    return f"{estate_id}/{ticket_id}/{attachment_id}"


def check_key(key: str) -> str:
    """``key`` if it is one :func:`storage_key` makes; anything else is refused (ValueError)."""
    if not _KEY.match(key):
        raise ValueError(f"not an attachment storage key: {key!r}")
    return key
