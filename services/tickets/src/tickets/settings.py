"""The tickets service's own settings, beside those every service has (servicekit.settings): each
field is read from ``TICKETS_<FIELD NAME IN CAPITALS>`` (``TICKETS_TIMER_BATCH``)."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.config import var_dir
from servicekit.settings import ServiceSettings, setting


def _attachments_dir() -> str:
    return str(var_dir() / "tickets-attachments")


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # Attachments (photos, files): "local" (a folder under var/) or "s3" (S3-compatible storage).
    storage: str = "local"
    attachments_dir: str = setting("", default_from=_attachments_dir)
    s3_endpoint_url: str = ""  # empty: AWS itself
    s3_bucket: str = "estatedesk-tickets"
    s3_region: str = "us-east-1"
    max_attachment_bytes: int = setting(10 * 1024 * 1024, minimum=1024)
    # The SLA timer: how often it sweeps the deadlines, and how many it takes per transaction.
    timer_interval_seconds: float = 1.0
    timer_batch: int = setting(500, minimum=1)
    # Callbacks (安排回电): a missed call's callback falls due this many minutes after the call,
    # and its assignee is reminded this many minutes before it is due.
    callback_due_minutes: int = setting(30, minimum=1)
    callback_warn_minutes: int = setting(10, minimum=0)
    # The diary: a booking that double-books someone or falls off shift is "warn"ed (made, with the
    # clash in the answer) or "refuse"d (409); anything else stops the process at start.
    diary_conflicts: str = setting("warn", choices=("warn", "refuse"))
    # Shifts: a handover not signed this many minutes after it was written is escalated.
    handover_sign_minutes: int = setting(30, minimum=1)
