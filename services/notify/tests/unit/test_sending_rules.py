"""The sender's pure rules: backoff, the spacing of a limited provider's calls, the SMTP message, the
webhook signature."""

from __future__ import annotations

import uuid
from email import message_from_bytes, policy
from email.policy import SMTP

from notify.providers.base import Outgoing
from notify.providers.smtp import compose
from notify.providers.webhooks import sign
from notify.sending.ratelimit import LATE, pace, per_call
from notify.sending.retry import backoff


def test_backoff_doubles_from_the_first_wait() -> None:
    assert [backoff(n, 30).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]


def test_a_limited_provider_s_calls_never_hold_more_than_the_rate_in_a_second() -> None:
    for rate in (10, 20, 500, 5000):
        # calls spaced at the pace, each up to LATE after its instant, the last one whole
        assert pace(rate) * (1 + LATE) + per_call(rate) <= rate + 1e-9 and per_call(rate) >= 1
    assert per_call(500) == 50 and 430 < pace(500) < 450  # the limit used: some 440/s in calls of 50


def test_a_zh_cn_subject_is_encoded_and_reads_back() -> None:
    id_ = uuid.uuid4()
    outgoing = Outgoing(id_, "a@example.com", "zh-CN", "物业费缴纳通知", "请缴费。")
    raw = compose(outgoing, "物业 <n@x.cn>").as_bytes(policy=SMTP)
    assert raw.isascii()  # RFC 2047 headers, a transfer-encoded body
    parsed = message_from_bytes(raw, policy=policy.default)
    assert (parsed["subject"], parsed["message-id"]) == ("物业费缴纳通知", f"<{id_}@estatedesk>")
    assert parsed.get_content().strip() == "请缴费。"


def test_the_webhook_signature_follows_standard_webhooks() -> None:
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    assert sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body) == \
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
