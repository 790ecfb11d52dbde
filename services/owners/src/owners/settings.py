"""The owners service's own settings, beside those every service has (servicekit.settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.config import env_int
from servicekit.settings import ServiceSettings


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # A household CSV may be far larger than any JSON body (<PREFIX>_MAX_IMPORT_BYTES).
    max_import_bytes: int = 64 * 1024 * 1024

    @classmethod
    def own_from_env(cls, prefix: str) -> dict[str, Any]:
        return {"max_import_bytes": env_int(f"{prefix}_MAX_IMPORT_BYTES", cls.max_import_bytes, minimum=1024)}
