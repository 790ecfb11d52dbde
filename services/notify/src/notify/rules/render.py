"""The minimal ``${var}`` rendering and SMS part count the rules and one-off messages need.

Temporary: once the notices branch's ``notify.templates`` is merged, its renderer and segment
count replace these (same syntax: Aliyun's ``${name}``; a name the values lack renders empty).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

# The GSM 03.38 basic character set (and the extension table, each of which takes two septets).
_GSM_BASIC = set("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                 "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
_GSM_EXTENDED = set("^{}\\[~]|€\f")


def variables_in(text: str) -> set[str]:
    """The variable names ``text`` uses."""
    return set(VARIABLE.findall(text or ""))


def render(text: str, values: Mapping[str, Any]) -> str:
    """``text`` with each ``${name}`` replaced by ``values[name]`` (empty when missing)."""
    return VARIABLE.sub(lambda m: "" if values.get(m.group(1)) is None else str(values[m.group(1)]), text or "")


def sms_segments(text: str) -> int:
    """How many SMS parts ``text`` takes: GSM-7 160 (153 per part when split), else UCS-2 70 (67)."""
    if not text:
        return 0
    if all(c in _GSM_BASIC or c in _GSM_EXTENDED for c in text):
        septets = sum(2 if c in _GSM_EXTENDED else 1 for c in text)
        return 1 if septets <= 160 else -(-septets // 153)
    units = sum(2 if ord(c) > 0xFFFF else 1 for c in text)  # UTF-16 code units
    return 1 if units <= 70 else -(-units // 67)
