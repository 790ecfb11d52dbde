"""Numbers are what they claim to be: an integer field takes integers, a phone number is ASCII digits.

Two ways input used to turn into something else than the caller wrote, in every service alike:

- marshmallow's ``fields.Integer`` (``strict=False``, its default) loads ``3.7`` as ``3``: a building
  of "3.7 floors" was stored with 3, and nobody was told. Python's ``int()`` behind it also reads
  ``"１２"`` (full-width), ``"1_000"`` and ``" 3 "`` as numbers. :func:`number_errors` finds, before a
  schema loads its input, every value of an integer field that is not an integer (a JSON integer, or
  its ASCII digits as text), and every text of another number field that is not ASCII; the input
  guards' parser (:class:`servicekit.guards.GuardedParser`) answers them with a 422. Schemas keep
  using marshmallow's fields as they are: the check is in one place, for every schema of every service.
- ``\\d`` in a regular expression matches every Unicode digit, so ``"１３８１２３４５６７８"`` passed
  as a mobile number and was stored as given, a number no SMS provider takes. :func:`phone_digits`
  writes a phone number as ASCII (Unicode digits and full-width signs made ASCII, spaces, dashes,
  dots and brackets dropped) or refuses it; :class:`PhoneNumber` is the schema field that does it.
- marshmallow's ``fields.Boolean`` loads ``0``, ``1``, ``"yes"`` and ``"on"`` as booleans: a JSON body's
  ``"active": 0`` closed what it named. :class:`JsonBoolean` takes a JSON ``true`` or ``false`` only
  (a query string's ``true``/``false`` is text: keep ``fields.Boolean`` there).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields

_ASCII_INTEGER = re.compile(r"-?[0-9]+")
_ASCII_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?")
_PLAIN_DECIMAL = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")
_PHONE = re.compile(r"\+?[0-9]+")
NOT_AN_INTEGER = "Not a valid integer: a whole number (3, not 3.7), in the digits 0-9."
NOT_A_NUMBER = "Not a valid number: write it with the digits 0-9."


def ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit (full-width ``３``, Arabic-Indic ``٣``...) as its
    ASCII digit, and full-width signs (``＋``, ``－``, ``（``) as their ASCII forms (NFKC)."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text)


def phone_digits(text: str, *, max_digits: int = 20) -> str:
    """A phone number as an SMS provider takes it: an optional ``+`` and ASCII digits only.

    Digits in any Unicode script are made ASCII; spaces, dashes, dots and brackets are dropped.
    Raises ``ValueError`` (without quoting the number: it may reach logs) when anything else is
    left, or more than ``max_digits`` digits.
    """
    compact = _PHONE_PUNCTUATION.sub("", ascii_digits(text))
    if not _PHONE.fullmatch(compact) or len(compact.lstrip("+")) > max_digits:
        raise ValueError(f"a phone number is digits 0-9, optionally after +; at most {max_digits}")
    return compact


class PhoneNumber(fields.String):
    """A phone number, loaded as :func:`phone_digits` writes it (``+`` and 6 to 20 ASCII digits)."""

    min_digits = 6

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"example": "13812345678", "pattern": r"^\+?[0-9]{6,20}$"}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 64:  # longer than any phone number written with spaces: refused unread
            raise ValidationError("not a phone number")
        try:
            digits = phone_digits(text)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        if len(digits.lstrip("+")) < self.min_digits:
            raise ValidationError(f"a phone number has at least {self.min_digits} digits")
        return digits


class JsonBoolean(fields.Boolean):
    """A JSON ``true`` or ``false`` and nothing else (for request bodies)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


def number_errors(schema: Schema, data: Any) -> dict[str, Any]:
    """The values in ``data`` (as a request gave them, before ``schema`` loads them) that a number
    field of ``schema`` would misread, as marshmallow reports errors (by data key; nested schemas,
    lists and dict values inside). Empty when there is none."""
    if not isinstance(data, Mapping):
        return {}
    errors: dict[str, Any] = {}
    for name, field in schema.load_fields.items():
        key = field.data_key or name
        if key in data:
            found = _field_errors(field, _values(data, key, field))
            if found:
                errors[key] = found
    return errors


def _values(data: Mapping[str, Any], key: str, field: fields.Field) -> Any:
    # A query string's values come as a MultiDict: a list field reads all of them.
    getlist = getattr(data, "getlist", None)
    return getlist(key) if getlist is not None and isinstance(field, fields.List) else data[key]


def _field_errors(field: fields.Field, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(field, fields.Integer):
        return None if _is_integer(value) else [NOT_AN_INTEGER]
    if isinstance(field, fields.Number):
        return [NOT_A_NUMBER] if isinstance(value, str) and not _ASCII_NUMBER.fullmatch(value) else None
    if isinstance(field, fields.Nested):
        if field.many or isinstance(value, list):
            return _each(value, lambda item: number_errors(field.schema, item))
        return number_errors(field.schema, value) or None
    if isinstance(field, fields.List):
        return _each(value, lambda item: _field_errors(field.inner, item))
    if isinstance(field, fields.Tuple) and isinstance(value, list | tuple):
        found = {i: e for i, (inner, item) in enumerate(zip(field.tuple_fields, value, strict=False))
                 if (e := _field_errors(inner, item))}
        return found or None
    if isinstance(field, fields.Dict) and field.value_field is not None and isinstance(value, Mapping):
        found = {k: {"value": e} for k, item in value.items() if (e := _field_errors(field.value_field, item))}
        return found or None
    return None


def _each(value: Any, check: Any) -> Any:
    if not isinstance(value, list | tuple):
        return None  # not a list: the field itself says so when it loads
    found = {index: errors for index, item in enumerate(value) if (errors := check(item))}
    return found or None


def _is_integer(value: Any) -> bool:
    """A JSON integer (never a boolean, never a fraction, not even 3.0), or its ASCII digits as text
    (as a query string or a path gives every number)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and _ASCII_INTEGER.fullmatch(value) is not None


class ExactDecimal(fields.Field):
    """An amount written exactly (money, a quantity): ``"89.50"``, or a JSON number, with at most
    ``places`` decimals, between ``minimum`` and ``maximum``; loaded as a :class:`~decimal.Decimal`
    and answered as a string.

    More decimals than ``places`` are refused, never rounded (``"12.345"`` yuan is a typing error,
    not 12.35); so are booleans, NaN, infinities and digits other than ASCII. A plain
    ``fields.Decimal`` would round silently and be documented as a number with string bounds,
    which is not valid OpenAPI.
    """

    def __init__(self, *, places: int = 2, minimum: str = "0", maximum: str = "1000000",
                 exclusive_minimum: bool = False, **kwargs: Any) -> None:
        self.places, self.exclusive_minimum = places, exclusive_minimum
        self.minimum, self.maximum = Decimal(minimum), Decimal(maximum)
        digits = len(str(int(self.maximum)))
        metadata = {"example": f"{self.maximum / 10:.{places}f}", "anyOf": [
            {"type": "string", "pattern": rf"^[0-9]{{1,{digits}}}(\.[0-9]{{1,{places}}})?$"},
            {"type": "number", "minimum": float(self.minimum), "maximum": float(self.maximum),
             **({"exclusiveMinimum": True} if exclusive_minimum else {})}]}
        super().__init__(metadata={**metadata, **kwargs.pop("metadata", {})}, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else f"{Decimal(value):.{self.places}f}"

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any) -> Any:
        loaded = super().deserialize(value, attr, data, **kwargs)
        # A default written as text ("1", as the OpenAPI document shows it) is loaded like a value sent.
        return self._deserialize(loaded, attr, data) if isinstance(loaded, str) else loaded

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        written = f"at most {self.places} decimals, from {self.minimum} to {self.maximum}, e.g. \"12.50\""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValidationError(f"a number with {written}")
        text = value.strip() if isinstance(value, str) else repr(value)
        if isinstance(value, str) and not _PLAIN_DECIMAL.fullmatch(text):  # "1e3" is no way to write a price
            raise ValidationError(NOT_A_NUMBER)
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(NOT_A_NUMBER) from None
        if not number.is_finite() or -number.as_tuple().exponent > self.places:  # type: ignore[operator]
            raise ValidationError(f"a number with {written}")
        too_low = number <= self.minimum if self.exclusive_minimum else number < self.minimum
        if too_low or number > self.maximum:
            raise ValidationError(f"a number with {written}")
        return number.quantize(Decimal(1).scaleb(-self.places))
