"""The length of an SMS, its parts and their cost.

A message all of whose characters are in the GSM 03.38 alphabet is GSM-7: 160 characters in one
part, 153 per part once split; the extension table's characters (``^{}\\[~]|€`` and form feed)
take two. One character outside it (a Chinese character, 【】) makes the whole message UCS-2: 70
in one part, 67 per part (a character outside the BMP, e.g. an emoji, takes two UTF-16 units).
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7 = "GSM-7"
UCS2 = "UCS-2"

_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_EXTENSION = set("^{}\\[~]|€\f")

LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}


@dataclass(frozen=True)
class SmsLength:
    encoding: str
    length: int  # in the encoding's units: septets (extension chars 2) or UTF-16 code units
    segments: int


def encoding(text: str) -> str:
    return GSM7 if all(c in _BASIC or c in _EXTENSION for c in text) else UCS2


def units(text: str, kind: str) -> int:
    if kind == GSM7:
        return sum(2 if c in _EXTENSION else 1 for c in text)
    return sum(2 if ord(c) > 0xFFFF else 1 for c in text)


def measure(text: str) -> SmsLength:
    """The encoding, length and number of parts of ``text`` as one SMS."""
    kind = encoding(text)
    length = units(text, kind)
    single, part = LIMITS[kind]
    segments = 1 if length <= single else -(-length // part)
    return SmsLength(kind, length, segments)


def segments(text: str) -> int:
    return measure(text).segments


def signed(sign_name: str, body: str) -> str:
    """The text the phone shows (and the provider counts): 【signature】 then the body."""
    return f"【{sign_name}】{body}" if sign_name else body


def cost_fen(parts: int, price_fen: int) -> int:
    """The cost of ``parts`` SMS parts at ``price_fen`` each (``sms_price_fen``)."""
    return parts * price_fen
