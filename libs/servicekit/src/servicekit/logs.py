"""JSON logs, one object per line, each carrying the service and the current correlation id."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import UTC, datetime

from servicekit import correlation

_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}
# A UUID is matched whole and kept, so an id whose last group happens to be all digits stays.
_LONG_NUMBER = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|\d{11,}")


def mask_long_numbers(text: str) -> str:
    """``text`` with every run of 11 or more digits masked but its first three and last four
    (``page=999****9999``): phone and ID numbers never reach a log line whole, while counts,
    ports and UUIDs stay readable."""
    if not text:
        return text
    return _LONG_NUMBER.sub(lambda m: m.group() if "-" in m.group() else _mask(m.group()), text)


def _mask(digits: str) -> str:
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


class JsonFormatter(logging.Formatter):
    """One JSON object per record; runs of 11 or more digits in the text are masked."""

    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            # An error message may quote what a caller sent; a mobile or ID number in it is masked.
            "message": mask_long_numbers(record.getMessage()),
        }
        cid = correlation.current()
        if cid:
            entry["correlation_id"] = cid
        for key, value in vars(record).items():
            if key not in _RESERVED and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exception"] = mask_long_numbers(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every log record of the process to stderr as JSON. Call once per process."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("pika").setLevel(logging.WARNING)
