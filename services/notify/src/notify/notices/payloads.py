"""The payload of every ``notify.notice.*.v1`` event a notice's change records."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def notice_payload(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": str(row["id"]), "estate_id": str(row["estate_id"]), "purpose": row["purpose"],
        "urgent": bool(row["urgent"]), "title": row["title"], "channels": list(row["channels"]),
        "status": row["status"], "send_at": row["send_at"].isoformat() if row.get("send_at") else None,
        "series_id": _text(row.get("series_id")), "recipients_count": row["recipients_count"],
        "estimated_segments": row["estimated_segments"], "estimated_cost_fen": row["estimated_cost_fen"],
        "version": row["version"],
    }
