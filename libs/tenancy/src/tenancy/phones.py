"""What the suite accepts as a mobile number, decided once: owners writes people's numbers down by
it, notify checks the numbers another system hands it (a notice's list audience, a one-off message's
address) by it, so a number is the same 11 ASCII digits wherever it is stored, looked up or counted.

Anything else is refused rather than stored as given: a number an SMS provider cannot dial, a
masked number echoed back, or text that only poses as a number (``1' OR '1'='1``, ``<b>1</b>``,
``=HYPERLINK(..)``) must never reach a provider, a spreadsheet or a rate limit's count under
another spelling (``+86 138-1234-5678`` and ``13812345678`` are one number).
"""

from __future__ import annotations

import re

from servicekit.exact import ascii_digits

# ASCII digits only: ``\d`` would take full-width and other Unicode digits, which no provider dials.
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_SEPARATORS = re.compile(r"[\s\-()]")
_LONGEST = 40  # far longer than any way of writing a number; the check stays cheap whatever is sent

NOT_A_MOBILE = "not a mainland mobile number (11 digits starting with 1)"
NOT_A_MOBILE_ZH = "不是有效的中国大陆手机号（以1开头的11位数字）"
MASKED = "this is a masked number as shown; send the full number, or leave it out to keep it"
MASKED_ZH = "这是脱敏显示的号码，请填写完整号码，或不填以保留原号码"


class NotAMobile(ValueError):
    """The value is not a mainland mobile number; the message never quotes it (it may reach logs).
    ``zh`` is the same in Chinese, for refusals answered in both languages."""

    def __init__(self, en: str, zh: str) -> None:
        super().__init__(en)
        self.zh = zh


def normalize_mobile(raw: str) -> str:
    """A mainland mobile number as its 11 ASCII digits: digits of any script are read as ASCII,
    spaces, dashes, brackets and a +86/0086 prefix are dropped; anything else is :class:`NotAMobile`."""
    if not isinstance(raw, str) or len(raw) > _LONGEST:
        raise NotAMobile(NOT_A_MOBILE, NOT_A_MOBILE_ZH)
    digits = _SEPARATORS.sub("", ascii_digits(raw))  # full-width and other Unicode digits as ASCII
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix):]
    if not _MOBILE.fullmatch(digits):
        if "*" in raw:
            raise NotAMobile(MASKED, MASKED_ZH)
        raise NotAMobile(NOT_A_MOBILE, NOT_A_MOBILE_ZH)
    return digits
