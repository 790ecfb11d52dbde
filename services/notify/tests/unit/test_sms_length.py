"""SMS parts: GSM-7 160 single / 153 per part, UCS-2 70 / 67, one Chinese character makes all UCS-2."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from notify.templates.sms import GSM7, UCS2, cost_fen, measure, segments, signed

GSM_BASIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,!?@£$¥èéΔ_"
EXTENSION = "^{}\\[~]|€"


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)])
def test_gsm7_boundaries(length, parts):
    assert measure("a" * length) == measure("a" * length)
    assert measure("a" * length).encoding == GSM7
    assert segments("a" * length) == parts


@pytest.mark.parametrize(("length", "parts"), [(1, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)])
def test_ucs2_boundaries(length, parts):
    assert measure("物" * length).encoding == UCS2
    assert segments("物" * length) == parts


def test_one_chinese_character_makes_the_whole_message_ucs2():
    text = "a" * 69 + "费"
    assert measure(text).encoding == UCS2 and segments(text) == 1
    assert segments("a" * 70 + "费") == 2  # 71 UCS-2 units


def test_extension_characters_count_two():
    assert measure("€" * 80).length == 160 and segments("€" * 80) == 1
    assert segments("€" * 80 + "a") == 2
    assert measure("{}").encoding == GSM7 and measure("{}").length == 4


def test_an_emoji_takes_two_ucs2_units():
    assert measure("😀" * 35).length == 70 and segments("😀" * 35) == 1
    assert segments("😀" * 36) == 2


def test_the_signature_counts():
    assert signed("物业服务中心", "停水") == "【物业服务中心】停水"
    assert cost_fen(segments(signed("物业", "a" * 70)), 5) == 10  # 【物业】 + 70: 74 UCS-2 → 2 parts


@given(st.text(alphabet=GSM_BASIC, max_size=800), st.text(alphabet=EXTENSION, max_size=100))
def test_gsm7_parts_hold_every_unit(basic, extension):
    text = basic + extension
    m = measure(text)
    assert m.encoding == GSM7 and m.length == len(basic) + 2 * len(extension)
    if m.length <= 160:
        assert m.segments == 1
    else:
        assert (m.segments - 1) * 153 < m.length <= m.segments * 153


@given(st.text(alphabet=GSM_BASIC, max_size=300), st.text(alphabet="物业费缴纳通知【】", min_size=1, max_size=300))
def test_any_non_gsm_character_makes_ucs2(basic, chinese):
    m = measure(basic + chinese)
    assert m.encoding == UCS2 and m.length == len(basic) + len(chinese)
    assert m.segments == (1 if m.length <= 70 else -(-m.length // 67))
