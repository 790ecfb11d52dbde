"""CloudEvents 1.0 envelope in JSON structured mode, as every estatedesk event travels.

The envelope is the same for every service; the ``data`` payload is the producing service's own
business and is documented in its ``contracts/`` folder, never here.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from servicekit.ids import new_uuid_text

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"

# <service>.<entity>.<past-tense verb>.v<N>, e.g. owners.occupant.moved_out.v1
EVENT_TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$")
_REQUIRED = ("specversion", "id", "source", "type", "time", "datacontenttype", "data")


class InvalidEvent(ValueError):
    """A message that is not a valid estatedesk CloudEvent; it can never succeed."""


@dataclass(frozen=True, slots=True)
class CloudEvent:
    """One event: who produced it (``source``), what happened (``type``) to what (``subject``)."""

    type: str
    source: str
    data: dict[str, Any]
    subject: str | None = None
    id: str = field(default_factory=new_uuid_text)
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
    correlationid: str | None = None
    traceparent: str | None = None
    datacontenttype: str = "application/json"
    specversion: str = SPECVERSION
    # How the event reached a consumer: None live, "history" or "state" when a replay sent it (the
    # AMQP header x-replay, see servicekit.replay). Set by the consumer, never part of the envelope:
    # a handler whose effects are for the present (a message to a person) must not act on the past.
    replay: str | None = field(default=None, compare=False)

    @property
    def dedup_key(self) -> tuple[str, str]:
        """``source`` + ``id`` identify an event across the suite."""
        return (self.source, self.id)

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "specversion": self.specversion,
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "time": _format_time(self.time),
            "datacontenttype": self.datacontenttype,
            "data": self.data,
        }
        if self.subject is not None:
            body["subject"] = self.subject
        if self.correlationid is not None:
            body["correlationid"] = self.correlationid
        if self.traceparent is not None:
            body["traceparent"] = self.traceparent
        return body

    def to_json(self) -> str:
        """``to_dict()`` as compact JSON (non-ASCII as it is), written piece by piece: the same text as
        ``json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))``, at about half the
        cost, which an import writing hundreds of thousands of events pays for each."""
        text = (f'{{"specversion":{_quoted(self.specversion)},"id":{_quote(self.id)},"source":{_quoted(self.source)},'
                f'"type":{_quoted(self.type)},"time":{_quote(_format_time(self.time))},'
                f'"datacontenttype":{_quoted(self.datacontenttype)},"data":{_ENCODER.encode(self.data)}')
        if self.subject is not None:
            text += f',"subject":{_quote(self.subject)}'
        if self.correlationid is not None:
            text += f',"correlationid":{_quote(self.correlationid)}'
        if self.traceparent is not None:
            text += f',"traceparent":{_quote(self.traceparent)}'
        return text + "}"


def new_event(
    type: str,
    source: str,
    data: dict[str, Any],
    *,
    subject: str | None = None,
    correlationid: str | None = None,
    traceparent: str | None = None,
) -> CloudEvent:
    """Build a validated event; raises :class:`InvalidEvent` on a malformed type or source."""
    event = CloudEvent(
        type=type, source=source, data=data, subject=subject,
        correlationid=correlationid, traceparent=traceparent,
    )
    validate(event)
    return event


def validate(event: CloudEvent) -> None:
    """Check the envelope rules of the suite (not the payload: that is the contract's job)."""
    if event.specversion != SPECVERSION:
        raise InvalidEvent(f"specversion must be {SPECVERSION!r}, got {event.specversion!r}")
    if not EVENT_TYPE_PATTERN.match(event.type):
        raise InvalidEvent(f"type {event.type!r} is not <service>.<entity>.<verb>.v<N>")
    if not event.source or not isinstance(event.source, str):
        raise InvalidEvent("source must be a non-empty string")
    if not event.id or not isinstance(event.id, str):
        raise InvalidEvent("id must be a non-empty string")
    if not isinstance(event.data, dict):
        raise InvalidEvent("data must be a JSON object")
    if event.time.tzinfo is None:
        raise InvalidEvent("time must carry a time zone")


def parse(body: bytes | str) -> CloudEvent:
    """Parse a structured-mode JSON body; raises :class:`InvalidEvent` for anything malformed.

    Unknown extension attributes are tolerated and dropped, so producers can add attributes
    without breaking consumers.
    """
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise InvalidEvent(f"body is not JSON: {exc.__class__.__name__}") from exc
    if not isinstance(raw, dict):
        raise InvalidEvent("body is not a JSON object")
    missing = [name for name in _REQUIRED if name not in raw]
    if missing:
        raise InvalidEvent(f"missing attributes: {', '.join(missing)}")
    for name in ("id", "source", "type", "time", "specversion", "datacontenttype"):
        if not isinstance(raw[name], str):
            raise InvalidEvent(f"{name} must be a string")
    for name in ("subject", "correlationid", "traceparent"):
        if raw.get(name) is not None and not isinstance(raw[name], str):
            raise InvalidEvent(f"{name} must be a string")
    try:
        time = datetime.fromisoformat(raw["time"].replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidEvent(f"time is not RFC 3339: {raw['time']!r}") from exc
    event = CloudEvent(
        type=raw["type"], source=raw["source"], data=raw["data"], subject=raw.get("subject"),
        id=raw["id"], time=time, correlationid=raw.get("correlationid"),
        traceparent=raw.get("traceparent"), datacontenttype=raw["datacontenttype"],
        specversion=raw["specversion"],
    )
    validate(event)
    return event


@functools.lru_cache(maxsize=16)  # the events of one flush share their time
def _format_time(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# A JSON string of a str, as json.dumps(ensure_ascii=False) writes it (C); the few strings every
# event of a service repeats (its source, the types) quoted once.
_encode_str = json.encoder.encode_basestring  # type: ignore[attr-defined]


def _quote(value: Any) -> str:
    return _encode_str(value) if type(value) is str else _ENCODER.encode(value)


_quoted = functools.lru_cache(maxsize=256)(_quote)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return _format_time(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# One encoder for every payload: json.dumps with options builds a new one for each call.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_json_default)
