"""Fixtures of the SMS tests: the stand-in on a free port, an Aliyun adapter talking to it, messages."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest

from notify.providers.aliyun import AliyunSms
from notify.providers.base import Outgoing
from notify.standins.sms_provider import SmsStandin, StandinConfig

KEY_ID, SECRET = "test-key", "test-secret"


def _sms_settings(endpoint: str, timeout: float = 5.0, secret: str = SECRET) -> SimpleNamespace:
    return SimpleNamespace(sms_endpoint=endpoint, sms_access_key_id=KEY_ID, sms_access_key_secret=secret,
                           sms_region="cn-hangzhou", sms_timeout_seconds=timeout)


def _sms(number: str, *, template: str | None = "SMS_100", sign: str = "阳光物业", **params: Any) -> Outgoing:
    return Outgoing(message_id=uuid.uuid4(), address=number, language="zh-CN", subject=None,
                    body=f"text for {number}", template_code=template, params=params, sign_name=sign)


def _numbers(count: int, start: int = 0) -> list[str]:
    return [f"139{n:08d}" for n in range(start, start + count)]


def _wait_for(condition: Callable[[], Any], timeout: float = 20.0) -> Any:
    """Poll until ``condition()`` is truthy (a bounded wait, not a timing assertion)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


@pytest.fixture
def standin() -> Iterator[SmsStandin]:
    with SmsStandin(StandinConfig(key_id=KEY_ID, secret=SECRET, receipt_delay=0.01, receipt_retry=0.05)) as running:
        yield running


@pytest.fixture
def aliyun(standin: SmsStandin) -> Iterator[AliyunSms]:
    adapter = AliyunSms(_sms_settings(standin.url))
    yield adapter
    adapter.close()


@pytest.fixture
def sms_settings() -> Callable[..., SimpleNamespace]:
    """``sms_settings(endpoint, timeout=5.0)``: what an SMS adapter reads of the settings."""
    return _sms_settings


@pytest.fixture
def sms() -> Callable[..., Outgoing]:
    """``sms(number, template="SMS_100", sign="阳光物业", **params)``: one outgoing SMS."""
    return _sms


@pytest.fixture
def numbers() -> Callable[..., list[str]]:
    """``numbers(count, start=0)``: distinct valid mainland mobiles."""
    return _numbers


@pytest.fixture
def wait_for() -> Callable[..., Any]:
    return _wait_for
