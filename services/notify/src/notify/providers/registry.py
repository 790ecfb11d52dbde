"""The adapter of each channel, built from the settings: what ``notify send`` sends with.

The SMS adapter is named by ``sms_provider`` ("aliyun" or "http") and built when the sender starts.
A sender that cannot build it (an unknown name, an endpoint that is not an http(s) URL, a missing
key) stops at once with :class:`MisconfiguredProvider` saying which setting is wrong: a sender that
went on without SMS would leave every SMS queued for ever, and nobody would see why.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Engine

from notify.domain import channels
from notify.providers.aliyun import AliyunSms
from notify.providers.base import Adapter
from notify.providers.http_sms import HttpSms
from notify.providers.in_app import InApp
from notify.providers.smtp import SmtpEmail
from notify.providers.webhooks import Webhooks, endpoint_loader

SMS_ADAPTERS: dict[str, type[AliyunSms] | type[HttpSms]] = {"aliyun": AliyunSms, "http": HttpSms}
# The settings each SMS adapter cannot do without, besides its endpoint.
SMS_KEYS = {"aliyun": ("sms_access_key_id", "sms_access_key_secret"), "http": ("sms_access_key_secret",)}


class MisconfiguredProvider(RuntimeError):
    """A provider's settings the sender cannot send with; the message names the setting."""


def sms_adapter(settings: Any) -> Adapter:
    """The SMS adapter ``sms_provider`` names, or :class:`MisconfiguredProvider`."""
    name = getattr(settings, "sms_provider", None)
    if name not in SMS_ADAPTERS:
        raise MisconfiguredProvider(f"sms_provider is {name!r}: one of {', '.join(sorted(SMS_ADAPTERS))}")
    endpoint = urlsplit(str(getattr(settings, "sms_endpoint", "") or ""))
    if endpoint.scheme not in ("http", "https") or not endpoint.netloc:
        raise MisconfiguredProvider(f"sms_endpoint of the {name} SMS provider is not an http(s) URL: "
                                    f"{getattr(settings, 'sms_endpoint', None)!r}")
    missing = [key for key in SMS_KEYS[name] if not getattr(settings, key, None)]
    if missing:
        raise MisconfiguredProvider(f"the {name} SMS provider needs {', '.join(missing)}")
    return SMS_ADAPTERS[name](settings)


def build_adapters(settings: Any, engine: Engine) -> dict[str, Adapter]:
    """Every channel's adapter; :class:`MisconfiguredProvider` when the SMS one cannot be built."""
    return {channels.SMS: sms_adapter(settings), channels.EMAIL: SmtpEmail(settings), channels.IN_APP: InApp(),
            channels.WEBHOOK: Webhooks(settings, endpoint_loader(engine))}
