"""A notice's recipients and their outcome as CSV or XLSX (the not-reached list to call), written by
servicekit.spreadsheet (no cell runs as a formula), headed in zh-CN or English, times in the
estate's time zone. Phone numbers and e-mail addresses come masked unless the caller may see them."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from servicekit.spreadsheet import XlsxSheet, csv_bytes, xlsx_bytes

LANGUAGES = ("zh-CN", "en")

COLUMNS: tuple[tuple[str, str, str], ...] = (  # key, zh-CN, en
    ("unit_label", "单元", "Unit"), ("name", "姓名", "Name"), ("mobile", "手机", "Mobile"),
    ("email", "邮箱", "E-mail"), ("outcome", "结果", "Outcome"), ("reached_over", "送达渠道", "Reached over"),
    ("reached_at", "送达时间", "Reached at"), ("tried", "已尝试渠道", "Channels tried"),
    ("failure_code", "失败代码", "Failure code"), ("failure_reason", "失败原因", "Failure reason"),
    ("excluded", "排除原因", "Excluded because"),
)
LABELS: dict[str, tuple[str, str]] = {
    "reached": ("已送达", "Reached"), "pending": ("发送中", "Pending"), "unreached": ("未送达", "Not reached"),
    "excluded": ("已排除", "Excluded"), "sms": ("短信", "SMS"), "email": ("邮件", "E-mail"),
    "in_app": ("站内信", "In-app"), "webhook": ("Webhook", "Webhook"), "opted_out": ("已退订", "Opted out"),
    "no_contact": ("无联系方式", "No contact point"),
}
SHEET = ("收件人", "Recipients")


def _label(value: str | None, lang: str) -> str | None:
    if value is None:
        return None
    names = LABELS.get(value)
    return names[LANGUAGES.index(lang)] if names else value


def _local(value: datetime | None, zone: ZoneInfo) -> str | None:
    return None if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _row(recipient: dict[str, Any], lang: str, zone: ZoneInfo) -> list[Any]:
    found = recipient["messages"]
    failed = [m for m in found if m["state"] == "failed"]
    last = failed[-1] if failed else None
    tried = []
    for message in found:
        if message["channel"] not in tried:
            tried.append(message["channel"])
    values = {
        "unit_label": recipient["unit_label"], "name": recipient["name"], "mobile": recipient["mobile"],
        "email": recipient["email"], "outcome": _label(recipient["outcome"], lang),
        "reached_over": _label(recipient["reached_over"], lang), "reached_at": _local(recipient["reached_at"], zone),
        "tried": "、".join(_label(c, lang) or c for c in tried) if lang == "zh-CN"
        else ", ".join(_label(c, lang) or c for c in tried),
        "failure_code": last["failure_code"] if last else None,
        "failure_reason": last["failure_reason"] if last else None,
        "excluded": _label(recipient["excluded"], lang),
    }
    return [values[key] for key, _zh, _en in COLUMNS]


def _header(lang: str) -> list[str]:
    return [zh if lang == "zh-CN" else en for _key, zh, en in COLUMNS]


def recipients_csv(rows: list[dict[str, Any]], lang: str, zone: ZoneInfo) -> bytes:
    return csv_bytes(_header(lang), (_row(r, lang, zone) for r in rows))


def recipients_xlsx(rows: list[dict[str, Any]], lang: str, zone: ZoneInfo, title: str) -> bytes:
    notes = [title, f"{len(rows)} " + ("位收件人" if lang == "zh-CN" else "recipients")]
    sheet = XlsxSheet(SHEET[LANGUAGES.index(lang)], _header(lang), [_row(r, lang, zone) for r in rows], notes=notes)
    return xlsx_bytes([sheet])
