"""Aliyun's SmsReport: the delivery receipts Aliyun pushes, read into :class:`~notify.receipts.use_cases.Receipt`."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from notify.receipts.use_cases import Receipt
from servicekit.errors import Message

ALIYUN = "aliyun"
_BEIJING = ZoneInfo("Asia/Shanghai")


class MalformedReceipts(ValueError):
    """A body that is not a list of receipts as the provider documents them (answered 400, saying
    what is wrong in English and Chinese)."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.message = Message(en, zh)


def parse_aliyun(body: Any) -> list[Receipt]:
    """Aliyun's SmsReport push: a JSON array of ``{phone_number, send_time, report_time, success,
    err_code, err_msg, sms_size, biz_id, out_id}``; raises :class:`MalformedReceipts`."""
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list) or not body:
        raise MalformedReceipts("the body is a JSON array of SmsReport receipts",
                                "请求内容应为 SmsReport 回执的 JSON 数组")
    return [_aliyun_receipt(item, index) for index, item in enumerate(body)]


def _aliyun_receipt(item: Any, index: int) -> Receipt:
    if not isinstance(item, dict):
        raise MalformedReceipts(f"receipt {index} is not an object", f"回执[{index}]不是对象")
    number, biz_id, success = item.get("phone_number"), item.get("biz_id"), item.get("success")
    if not isinstance(number, str) or not 1 <= len(number) <= 32:
        raise MalformedReceipts(f"receipt {index}: phone_number is a number of at most 32 characters",
                                f"回执[{index}]：phone_number 应为不超过32个字符的号码")
    if not isinstance(biz_id, str) or not 1 <= len(biz_id) <= 200:
        raise MalformedReceipts(f"receipt {index}: biz_id is required (at most 200 characters)",
                                f"回执[{index}]：缺少 biz_id（不超过200个字符）")
    if isinstance(success, str) and success.lower() in ("true", "false"):
        success = success.lower() == "true"
    if not isinstance(success, bool):
        raise MalformedReceipts(f"receipt {index}: success is true or false",
                                f"回执[{index}]：success 应为 true 或 false")
    code = item.get("err_code") or ("DELIVERED" if success else "UNKNOWN")
    detail, out_id = item.get("err_msg"), item.get("out_id")
    if not isinstance(code, str) or len(code) > 100 or not isinstance(detail, str | None) \
            or not isinstance(out_id, str | None) or (out_id is not None and len(out_id) > 256):
        raise MalformedReceipts(f"receipt {index}: err_code, err_msg and out_id are text",
                                f"回执[{index}]：err_code、err_msg 和 out_id 应为文本")
    return Receipt(biz_id, number, success, code, (detail or None) and detail[:500], out_id or None,
                   _beijing_time(item.get("report_time"), index))


def _beijing_time(value: Any, index: int) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        return _read_beijing(str(value))
    except ValueError:
        raise MalformedReceipts(f"receipt {index}: report_time is yyyy-MM-dd HH:mm:ss",
                                f"回执[{index}]：report_time 的格式应为 yyyy-MM-dd HH:mm:ss") from None


@lru_cache(maxsize=4096)
def _read_beijing(text: str) -> datetime:
    """A report time, read once per distinct text: the receipts of a push share a few seconds."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").replace(tzinfo=_BEIJING).astimezone(UTC)
