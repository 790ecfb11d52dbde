"""How the Aliyun adapter groups messages into calls (pure)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

from notify.providers.aliyun import SEND_BATCH_SMS, SEND_SMS, AliyunSms, action_of
from notify.providers.base import Outgoing

ADAPTER = AliyunSms(SimpleNamespace(sms_endpoint="http://127.0.0.1:9", sms_access_key_id="k",
                                    sms_access_key_secret="s", sms_region="cn-hangzhou", sms_timeout_seconds=1))


def sms(number: str, *, template: str = "SMS_100", **params: Any) -> Outgoing:
    return Outgoing(uuid.uuid4(), number, "zh-CN", None, f"text for {number}", template, params, "阳光物业")


def numbers(count: int, start: int = 0) -> list[str]:
    return [f"139{n:08d}" for n in range(start, start + count)]


def test_shared_variables_go_by_send_sms_of_at_most_1000() -> None:
    messages = [sms(n, month="3月") for n in numbers(2500)]
    calls = ADAPTER.plan(messages)
    assert [len(c) for c in calls] == [1000, 1000, 500]
    assert {action_of(c) for c in calls} == {SEND_SMS}
    assert sorted(m.message_id for c in calls for m in c) == sorted(m.message_id for m in messages)


def test_own_variables_go_by_send_batch_sms_of_at_most_100() -> None:
    messages = [sms(n, amount=str(100 + i)) for i, n in enumerate(numbers(250))]
    calls = ADAPTER.plan(messages)
    assert [len(c) for c in calls] == [100, 100, 50]
    assert {ADAPTER.action_of(c) for c in calls} == {SEND_BATCH_SMS}


def test_templates_are_never_mixed_and_a_lone_message_is_a_send_sms() -> None:
    first, second = numbers(2), numbers(1, start=10)
    messages = [sms(first[0], template="SMS_1", amount="1"), sms(first[1], template="SMS_2", amount="2"),
                sms(second[0], template="SMS_1", amount="3")]
    calls = ADAPTER.plan(messages)
    assert sorted(len(c) for c in calls) == [1, 2]
    assert all(len({m.template_code for m in c}) == 1 for c in calls)
    assert action_of([messages[1]]) == SEND_SMS


def test_one_number_at_most_once_per_call() -> None:
    # Two households sharing one mobile: the receipts (call + number) must tell their SMS apart.
    messages = [sms("13900000001", month="3月"), sms("13900000001", month="3月"), sms("13900000002", month="3月")]
    calls = ADAPTER.plan(messages)
    assert all(len({m.address for m in c}) == len(c) for c in calls)
    assert sum(len(c) for c in calls) == 3


def test_variables_equal_in_python_but_not_in_text_are_not_shared() -> None:
    # 1, 1.0 and True are equal (and hash alike) but are sent as different texts; a list is unhashable.
    first, second, third, fourth = (sms(n, count=v) for n, v in zip(numbers(4), (1, 1.0, True, [1]), strict=True))
    calls = sorted(ADAPTER.plan([first, second, third, fourth, sms("13900000009", count=[1])]), key=len)
    assert [len(c) for c in calls] == [2, 3]  # the two lists shared; the other three each their own
    assert [action_of(c) for c in calls] == [SEND_SMS, SEND_BATCH_SMS]
    assert action_of([first, third]) == action_of([first, second]) == SEND_BATCH_SMS
