"""JSON logs, one object per line, each carrying the service and the current correlation id.

No log line holds a phone or ID number whole (:func:`mask_long_numbers`), nor the secret part of a
path that is its own credential (a provider's callback, ``/api/v1/receipts/aliyun/<token>``): such
paths are declared once (:func:`declare_secret_path`, done for every route marked
:func:`servicekit.web.authenticated_by` when the app is made) and the segment after them is written
``[redacted]`` in every JSON line and, through :class:`RedactSecretPaths`, in gunicorn's own error
and access lines, which quote the request line whole.
"""

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


REDACTED = "[redacted]"
_secret_prefixes: set[str] = set()
_secret_paths: re.Pattern[str] | None = None


def declare_secret_path(prefix: str) -> None:
    """Redact, in every log line of this process, the path segment that follows ``prefix``
    (``"/api/v1/receipts/aliyun/"``): a URL whose secret is its credential is logged by gunicorn
    and Flask as sent, and a log line must not be enough to push forged receipts."""
    global _secret_paths
    _secret_prefixes.add(prefix)
    alternatives = "|".join(re.escape(p) for p in sorted(_secret_prefixes, key=len, reverse=True))
    # The segment ends where a path, query, fragment, quoted string or line does.
    _secret_paths = re.compile(f"({alternatives})[^/?#\\s\"'<>\\\\]+")


def redact_secret_paths(text: str) -> str:
    """``text`` with the secret segment of every declared path replaced by ``[redacted]``."""
    if _secret_paths is None or not text:
        return text
    return _secret_paths.sub(lambda m: m.group(1) + REDACTED, text)


class RedactSecretPaths(logging.Filter):
    """A logging filter that redacts declared secret paths in a record's message and traceback;
    on a logger whose lines are not written by :class:`JsonFormatter` (gunicorn's own)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if _secret_paths is None:
            return True
        message = record.getMessage()
        redacted = redact_secret_paths(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact_secret_paths(record.exc_text)
        return True


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
    """One JSON object per record; runs of 11 or more digits in the text are masked, and the secret
    segment of a declared path is redacted anywhere in the line (an extra field included)."""

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
        return redact_secret_paths(json.dumps(entry, ensure_ascii=False, default=str))


def configure_logging(service: str, level: str = "INFO") -> None:
    """Send every log record of the process to stderr as JSON. Call once per process."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    logging.getLogger("pika").setLevel(logging.WARNING)
