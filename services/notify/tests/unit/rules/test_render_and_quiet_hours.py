"""The minimal renderer, the SMS part count and the quiet hours the rules' messages use."""

from __future__ import annotations

from datetime import UTC, datetime

from notify.rules.render import render, sms_segments, variables_in
from notify.rules.timing import quiet_until


def test_variables_are_replaced_and_missing_ones_render_empty():
    assert render("${name}您好，${x}", {"name": "张三"}) == "张三您好，"
    assert variables_in("${a} and ${b_2} but not $c") == {"a", "b_2"}


def test_gsm_7_fits_160_then_153_a_chinese_character_makes_it_ucs_2():
    assert (sms_segments("a" * 160), sms_segments("a" * 161), sms_segments("a" * 306)) == (1, 2, 2)
    assert (sms_segments("中" * 70), sms_segments("中" * 71), sms_segments("a" * 150 + "中")) == (1, 2, 3)
    assert sms_segments("{" * 80) == 1 and sms_segments("{" * 81) == 2  # extension characters count twice


def test_quiet_hours_wrap_midnight_in_the_estate_s_time_zone():
    shanghai = "Asia/Shanghai"
    late = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # 22:30 local
    early = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # 07:00 local, the next day
    noon = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    morning = datetime(2026, 12, 2, 0, 0, tzinfo=UTC)
    assert quiet_until(late, shanghai, "21:00", "08:00") == morning
    assert quiet_until(early, shanghai, "21:00", "08:00") == morning
    assert quiet_until(noon, shanghai, "21:00", "08:00") is None
    assert quiet_until(noon, shanghai, "11:00", "13:00") == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)
    assert quiet_until(noon, shanghai, "08:00", "08:00") is None
