"""Photos and files attached to a ticket (TKT-1): what they are, and where their bytes are kept.

The database holds each attachment's row (name, type, size, checksum, storage key); the bytes
live behind a :class:`~tickets.attachments.storage.Storage` adapter, the local filesystem by
default or S3-compatible storage in production, chosen by ``settings.storage``.
"""
