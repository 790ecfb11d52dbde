"""Attachments on the local filesystem: one file per attachment under a root folder (var/ by default)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from tickets.attachments.storage import check_key


class LocalStorage:
    """Files under ``root``, at the path of their key; written whole or not at all."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root):  # defence in depth: check_key allows ids and "/" only
            raise ValueError(f"key {key!r} leaves the attachments folder")
        return path

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # A reader never sees half a file: write beside it, then rename over it.
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)
