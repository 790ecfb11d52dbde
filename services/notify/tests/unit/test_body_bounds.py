"""Issue 16: a template's body is bounded by what a channel can send (notify.templates.bounds)."""

import pytest

from notify.templates.bounds import MAX_BODY, check_fits
from notify.templates.use_cases import check_texts
from servicekit.errors import Invalid


def test_a_1_mb_template_body_is_refused():
    with pytest.raises(Invalid) as refused:
        check_texts({"zh-CN": {"subject": "活动", "body": "活" * 349_526}}, [])  # 1 MB of UTF-8
    assert "texts.zh-CN.body" in refused.value.errors


def test_the_longest_channel_s_body_is_a_template_s_bound():
    assert check_texts({"zh-CN": {"body": "x" * MAX_BODY["email"]}}, [])


@pytest.mark.parametrize(("channel", "fits"), [("sms", 500), ("in_app", 2_000), ("email", 20_000),
                                               ("webhook", 20_000)])
def test_each_channel_carries_its_own_length(channel, fits):
    check_fits({"zh-CN": "x" * fits}, [channel], "template_id")
    with pytest.raises(Invalid):
        check_fits({"zh-CN": "x", "en": "x" * (fits + 1)}, [channel], "template_id")
