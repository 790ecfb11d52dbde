"""Fields the tickets schemas share."""

from __future__ import annotations

from typing import Any

from marshmallow import fields


class JsonBoolean(fields.Boolean):
    """A JSON ``true`` or ``false`` and nothing else (marshmallow's Boolean also takes 1, "yes", "on"...)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
