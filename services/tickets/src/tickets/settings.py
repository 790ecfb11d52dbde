"""The tickets service's own settings, beside those every service has (servicekit.settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from servicekit.config import env_float, env_int, env_str, var_dir
from servicekit.settings import ServiceSettings


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # Attachments (photos, files): "local" (a folder under var/) or "s3" (S3-compatible storage).
    storage: str = "local"
    attachments_dir: str = ""  # default: var/tickets-attachments
    s3_endpoint_url: str = ""  # empty: AWS itself
    s3_bucket: str = "estatedesk-tickets"
    s3_region: str = "us-east-1"
    max_attachment_bytes: int = 10 * 1024 * 1024
    # The SLA timer: how often it sweeps the deadlines, and how many it takes per transaction.
    timer_interval_seconds: float = 1.0
    timer_batch: int = 500

    @classmethod
    def own_from_env(cls, prefix: str) -> dict[str, Any]:
        return {
            "storage": env_str(f"{prefix}_STORAGE", cls.storage),
            "attachments_dir": env_str(f"{prefix}_ATTACHMENTS_DIR", str(var_dir() / "tickets-attachments")),
            "s3_endpoint_url": env_str(f"{prefix}_S3_ENDPOINT_URL", cls.s3_endpoint_url),
            "s3_bucket": env_str(f"{prefix}_S3_BUCKET", cls.s3_bucket),
            "s3_region": env_str(f"{prefix}_S3_REGION", cls.s3_region),
            "max_attachment_bytes": env_int(f"{prefix}_MAX_ATTACHMENT_BYTES", cls.max_attachment_bytes,
                                            minimum=1024),
            "timer_interval_seconds": env_float(f"{prefix}_TIMER_INTERVAL_SECONDS", cls.timer_interval_seconds),
            "timer_batch": env_int(f"{prefix}_TIMER_BATCH", cls.timer_batch, minimum=1),
        }
