"""Fields the notify schemas share."""

from __future__ import annotations

from marshmallow import fields


class JsonBoolean(fields.Boolean):
    """A JSON ``true`` or ``false`` and nothing else."""

    def _deserialize(self, value, attr, data, **kwargs):  # noqa: ANN001, ANN202
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value
