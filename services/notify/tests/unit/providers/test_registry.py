"""The SMS adapter is built when the sender starts, or the sender stops saying which setting is
wrong: a misconfigured provider never leaves the sender running with SMS queued for ever."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from notify.providers.aliyun import AliyunSms
from notify.providers.http_sms import HttpSms
from notify.providers.registry import MisconfiguredProvider, sms_adapter

GOOD = {"sms_provider": "aliyun", "sms_endpoint": "http://127.0.0.1:8093", "sms_access_key_id": "key",
        "sms_access_key_secret": "secret", "sms_region": "cn-hangzhou", "sms_timeout_seconds": 5.0}


def test_each_named_provider_is_built_from_good_settings() -> None:
    assert isinstance(sms_adapter(SimpleNamespace(**GOOD)), AliyunSms)
    assert isinstance(sms_adapter(SimpleNamespace(**{**GOOD, "sms_provider": "http"})), HttpSms)


@pytest.mark.parametrize(("change", "named"), [
    ({"sms_provider": "aliyn"}, "sms_provider"),
    ({"sms_endpoint": ""}, "sms_endpoint"),
    ({"sms_endpoint": "127.0.0.1:8093"}, "sms_endpoint"),  # no scheme: every call would fail
    ({"sms_access_key_id": ""}, "sms_access_key_id"),
    ({"sms_access_key_secret": None}, "sms_access_key_secret"),
])
def test_a_misconfigured_provider_is_refused_naming_the_setting(change, named) -> None:
    with pytest.raises(MisconfiguredProvider, match=named):
        sms_adapter(SimpleNamespace(**{**GOOD, **change}))


def test_settings_without_the_provider_s_keys_are_refused_not_skipped() -> None:
    # Before, an adapter that could not be built was logged and left out: SMS stayed queued for ever.
    without = {k: v for k, v in GOOD.items() if k != "sms_access_key_id"}
    with pytest.raises(MisconfiguredProvider, match="sms_access_key_id"):
        sms_adapter(SimpleNamespace(**without))
