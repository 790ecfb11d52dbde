"""Fields the owners schemas share, each checking its value the way the domain writes it down."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields

from owners.domain.contacts import InvalidContact, normalize_mobile


class MobileNumber(fields.String):
    """A mainland mobile number; loaded as its 11 digits (spaces, dashes and +86 dropped)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"example": "13812345678", "description": "A mainland mobile number; shown masked"}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 20:
            raise ValidationError("not a mainland mobile number (11 digits starting with 1)")
        try:
            return normalize_mobile(text)
        except InvalidContact as exc:
            raise ValidationError(str(exc)) from exc


class SquareMetres(fields.Field):
    """A floor area in square metres with at most two decimals, more than 0 and at most 100,000.

    Sent as a string (``"89.50"``, exact); a JSON number is accepted too. A plain ``fields.Decimal``
    would be documented as a number with string bounds, which is not valid OpenAPI.
    """

    _decimal = fields.Decimal(places=2, as_string=True, allow_nan=False)
    _limit = Decimal("100000")

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"description": "Floor area in square metres", "example": "89.50", "anyOf": [
            {"type": "string", "pattern": r"^[0-9]{1,6}(\.[0-9]{1,2})?$"},
            {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 100000}]}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return self._decimal._serialize(value, attr, obj, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool):
            raise ValidationError("a number of square metres, e.g. \"89.50\"")
        area = self._decimal._deserialize(value, attr, data, **kwargs)
        if not 0 < area <= self._limit:
            raise ValidationError("must be more than 0 and at most 100000")
        return area


# Dates a desk types: anything outside these years is a typing error (and 9999-12-31 would
# overflow the day after it).
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


def _in_calendar(value: date) -> None:
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValidationError(f"must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")


class CalendarDate(fields.Date):
    """A date between 1900 and 2199."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> date:
        day = super()._deserialize(value, attr, data, **kwargs)
        _in_calendar(day)
        return day


class Moment(fields.AwareDateTime):
    """An instant with a time zone (UTC when none is given), between 1900 and 2199."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:
        moment = super()._deserialize(value, attr, data, **kwargs)
        _in_calendar(moment.date())
        return moment
