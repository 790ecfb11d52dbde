"""The adapter of each channel, built from the settings: what ``notify send`` sends with.

The SMS adapters are named (``sms_provider``: "aliyun" or "http") and imported when built; a
build without them sends every other channel and leaves SMS messages queued, saying so once.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from sqlalchemy import Engine

from notify.domain import channels
from notify.providers.base import Adapter
from notify.providers.in_app import InApp
from notify.providers.smtp import SmtpEmail
from notify.providers.webhooks import Webhooks, endpoint_loader

log = logging.getLogger(__name__)

SMS_ADAPTERS = {"aliyun": "notify.providers.aliyun:AliyunSms", "http": "notify.providers.http_sms:HttpSms"}


def sms_adapter(settings: Any) -> Adapter | None:
    reference = SMS_ADAPTERS.get(settings.sms_provider)
    if reference is None:
        raise ValueError(f"unknown sms_provider {settings.sms_provider!r}; one of {sorted(SMS_ADAPTERS)}")
    module, _, name = reference.partition(":")
    try:
        return getattr(importlib.import_module(module), name)(settings)
    except (ModuleNotFoundError, AttributeError):
        log.warning("no SMS adapter in this build: SMS messages stay queued", extra={"sms_adapter": reference})
        return None


def build_adapters(settings: Any, engine: Engine) -> dict[str, Adapter]:
    adapters: dict[str, Adapter] = {}
    sms = sms_adapter(settings)
    if sms is not None:
        adapters[channels.SMS] = sms
    adapters[channels.EMAIL] = SmtpEmail(settings)
    adapters[channels.IN_APP] = InApp()
    adapters[channels.WEBHOOK] = Webhooks(settings, endpoint_loader(engine))
    return adapters
