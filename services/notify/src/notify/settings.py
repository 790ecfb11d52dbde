"""The notify service's own settings, beside those every service has (servicekit.settings): each
field is read from ``NOTIFY_<FIELD NAME IN CAPITALS>`` (``NOTIFY_SMS_ENDPOINT``).

The defaults talk to the local stand-ins `make run` starts (the SMS provider stand-in on 8093,
the SMTP stand-in on 8025), so one machine works without any real provider. The one default that
would be dangerous deployed, the receipts callback's secret, is refused outside development
(:meth:`Settings.require_own_secrets`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from servicekit.settings import ServiceSettings, require_own_secret, setting

# The receipts secret of `make run` and the stand-ins, written in this repository: anyone can read
# it, so it opens the receipts callback in development only.
DEVELOPMENT_RECEIPTS_TOKEN = "estatedesk-local-receipts"


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
    # How long after sending an SMS its receipt may take: past it, the provider's send-details query
    # is asked, and failing that the message ends no_receipt (notify.sending.receipt_window).
    sms_receipt_window_seconds: float = setting(1800.0, minimum=1)
    # Messages per second the provider allows this account; 0: no limit.
    sms_rate_per_second: float = 500.0
    # The cost estimate: fen (0.01 yuan) per SMS part.
    sms_price_fen: int = setting(5, minimum=0)
    # A notice whose SMS would be longer than this many parts needs consent_to_split.
    sms_max_segments: int = setting(1, minimum=1)
    # E-mail over SMTP.
    smtp_host: str = "127.0.0.1"
    smtp_port: int = setting(8025, minimum=1)
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    smtp_from: str = "estatedesk <noreply@estatedesk.local>"
    smtp_timeout_seconds: float = 10.0
    email_rate_per_second: float = 0.0
    # Webhooks to other company systems.
    webhook_timeout_seconds: float = 5.0
    webhook_disable_after: int = setting(20, minimum=1)  # consecutive failures before an endpoint is disabled
    # Host names or addresses (comma-separated) a webhook may go to although they are private,
    # loopback or link-local: a company system on the internal network, allowed by the operator
    # (notify.webhooks.addresses). Empty: webhooks go to public addresses only.
    webhook_allowed_hosts: str = ""
    # Urgent one-off messages (POST messages: one-time login codes), notify.messages.limits: one
    # recipient gets this many at once, then one every seconds/count; one caller likewise. 0: no limit.
    urgent_per_recipient: int = setting(5, minimum=0)
    urgent_per_recipient_seconds: float = setting(3600.0, minimum=1)
    urgent_per_caller: int = setting(600, minimum=0)
    urgent_per_caller_seconds: float = setting(60.0, minimum=1)
    # Where notify runs: "development" (`make run` sets it, and notify's tests) lets the receipts
    # callback keep the development secret below; "production", the default, is any deployment:
    # its web does not start without a secret of its own (require_own_secrets).
    environment: str = "production"
    # The secret in the receipts callback's URL (providers push receipts without a token): every
    # deployment sets NOTIFY_RECEIPTS_TOKEN to its own (`openssl rand -hex 24`).
    receipts_token: str = DEVELOPMENT_RECEIPTS_TOKEN
    # The sender: how many messages it takes per round, how long a claim holds, how often it looks.
    sender_batch: int = setting(5000, minimum=1)
    sender_lease_seconds: float = 30.0
    sender_interval_seconds: float = 0.2
    # Retries of one channel before the next is tried, and the first backoff (doubled each time).
    max_attempts: int = setting(4, minimum=1)
    retry_backoff_seconds: float = 30.0

    def require_own_secrets(self) -> None:
        """Stop a deployment (any environment but development) that would open its receipts callback
        with the repository's development secret, or a short one: a provider's receipts change
        messages' states, so whoever knows the URL could mark any message delivered or failed.
        Checked when the web process reads its settings from the environment; the message never
        quotes the secret."""
        require_own_secret("notify", self.environment, "receipts_token", self.receipts_token,
                           DEVELOPMENT_RECEIPTS_TOKEN)
