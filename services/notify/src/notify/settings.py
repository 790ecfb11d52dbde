"""The notify service's own settings, beside those every service has (servicekit.settings).

The defaults talk to the local stand-ins `make run` starts (the SMS provider stand-in on 8093,
the SMTP stand-in on 8025), so one machine works without any real provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from servicekit.config import env_bool, env_float, env_int, env_str
from servicekit.settings import ServiceSettings


@dataclass(frozen=True)
class Settings(ServiceSettings):
    # A notice's audience may be a list of up to 100,000 households from another system, each
    # with its own variables (notify.audiences.spec.MAX_LIST): some 15 MB of JSON.
    default_max_body_bytes: ClassVar[int] = 32 * 1024 * 1024
    # SMS: "aliyun" (Aliyun's SMS API: SendSms / SendBatchSms / QuerySendDetails, signed) or
    # "http" (a generic JSON HTTP provider).
    sms_provider: str = "aliyun"
    sms_endpoint: str = "http://127.0.0.1:8093"
    sms_access_key_id: str = "estatedesk-local"
    sms_access_key_secret: str = "estatedesk-local-secret"
    sms_region: str = "cn-hangzhou"
    sms_timeout_seconds: float = 5.0
    # Messages per second the provider allows this account; 0: no limit.
    sms_rate_per_second: float = 500.0
    # The cost estimate: fen (0.01 yuan) per SMS part.
    sms_price_fen: int = 5
    # A notice whose SMS would be longer than this many parts needs consent_to_split.
    sms_max_segments: int = 1
    # E-mail over SMTP.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 8025
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "estatedesk <noreply@estatedesk.local>"
    smtp_timeout_seconds: float = 10.0
    email_rate_per_second: float = 0.0
    # Webhooks to other company systems.
    webhook_timeout_seconds: float = 5.0
    webhook_disable_after: int = 20  # consecutive failures before an endpoint is disabled
    # The secret in the receipts callback's URL (providers push receipts without a token).
    receipts_token: str = "estatedesk-local-receipts"
    # The sender: how many messages it takes per round, how long a claim holds, how often it looks.
    sender_batch: int = 1000
    sender_lease_seconds: float = 30.0
    sender_interval_seconds: float = 0.2
    # Retries of one channel before the next is tried, and the first backoff (doubled each time).
    max_attempts: int = 4
    retry_backoff_seconds: float = 30.0

    @classmethod
    def own_from_env(cls, prefix: str) -> dict[str, Any]:
        return {
            "sms_provider": env_str(f"{prefix}_SMS_PROVIDER", cls.sms_provider),
            "sms_endpoint": env_str(f"{prefix}_SMS_ENDPOINT", cls.sms_endpoint),
            "sms_access_key_id": env_str(f"{prefix}_SMS_ACCESS_KEY_ID", cls.sms_access_key_id),
            "sms_access_key_secret": env_str(f"{prefix}_SMS_ACCESS_KEY_SECRET", cls.sms_access_key_secret),
            "sms_region": env_str(f"{prefix}_SMS_REGION", cls.sms_region),
            "sms_timeout_seconds": env_float(f"{prefix}_SMS_TIMEOUT_SECONDS", cls.sms_timeout_seconds),
            "sms_rate_per_second": env_float(f"{prefix}_SMS_RATE_PER_SECOND", cls.sms_rate_per_second),
            "sms_price_fen": env_int(f"{prefix}_SMS_PRICE_FEN", cls.sms_price_fen, minimum=0),
            "sms_max_segments": env_int(f"{prefix}_SMS_MAX_SEGMENTS", cls.sms_max_segments, minimum=1),
            "smtp_host": env_str(f"{prefix}_SMTP_HOST", cls.smtp_host),
            "smtp_port": env_int(f"{prefix}_SMTP_PORT", cls.smtp_port, minimum=1),
            "smtp_starttls": env_bool(f"{prefix}_SMTP_STARTTLS", cls.smtp_starttls),
            "smtp_username": env_str(f"{prefix}_SMTP_USERNAME", cls.smtp_username),
            "smtp_password": env_str(f"{prefix}_SMTP_PASSWORD", cls.smtp_password),
            "smtp_from": env_str(f"{prefix}_SMTP_FROM", cls.smtp_from),
            "smtp_timeout_seconds": env_float(f"{prefix}_SMTP_TIMEOUT_SECONDS", cls.smtp_timeout_seconds),
            "email_rate_per_second": env_float(f"{prefix}_EMAIL_RATE_PER_SECOND", cls.email_rate_per_second),
            "webhook_timeout_seconds": env_float(f"{prefix}_WEBHOOK_TIMEOUT_SECONDS", cls.webhook_timeout_seconds),
            "webhook_disable_after": env_int(f"{prefix}_WEBHOOK_DISABLE_AFTER", cls.webhook_disable_after, minimum=1),
            "receipts_token": env_str(f"{prefix}_RECEIPTS_TOKEN", cls.receipts_token),
            "sender_batch": env_int(f"{prefix}_SENDER_BATCH", cls.sender_batch, minimum=1),
            "sender_lease_seconds": env_float(f"{prefix}_SENDER_LEASE_SECONDS", cls.sender_lease_seconds),
            "sender_interval_seconds": env_float(f"{prefix}_SENDER_INTERVAL_SECONDS", cls.sender_interval_seconds),
            "max_attempts": env_int(f"{prefix}_MAX_ATTEMPTS", cls.max_attempts, minimum=1),
            "retry_backoff_seconds": env_float(f"{prefix}_RETRY_BACKOFF_SECONDS", cls.retry_backoff_seconds),
        }
