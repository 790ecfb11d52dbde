"""The Aliyun adapter against the SMS stand-in, over real HTTP."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from notify.providers.aliyun import FLOW_CONTROL, NUMBER_ILLEGAL, AliyunSms, signed
from notify.providers.base import OutcomeUnknown


def test_send_sms_takes_1000_numbers_in_one_call(standin, aliyun, sms, numbers) -> None:
    messages = [sms(n, month="3月", amount="120.00") for n in numbers(1000)]
    [call] = aliyun.plan(messages)
    call_id = uuid.uuid4()
    result = aliyun.send(call_id, call)
    assert not result.rejected and not result.throttled
    assert result.provider_ref and set(result.accepted.values()) == {result.provider_ref}
    assert set(result.accepted) == {m.message_id for m in messages}
    received = standin.received()
    assert len(received) == 1000 and standin.stats()["requests"] == 1
    assert {r["number"] for r in received} == {m.address for m in messages}
    assert {(r["out_id"], r["biz_id"], r["action"], r["sign_name"], r["template_code"]) for r in received} == {
        (str(call_id), result.provider_ref, "SendSms", "阳光物业", "SMS_100")}
    assert received[0]["params"] == {"month": "3月", "amount": "120.00"}


def test_send_batch_sms_takes_100_numbers_each_with_its_variables(standin, aliyun, sms, numbers) -> None:
    messages = [sms(n, name=f"业主{i}", amount=f"{i}.50") for i, n in enumerate(numbers(100))]
    [call] = aliyun.plan(messages)
    result = aliyun.send(uuid.uuid4(), call)
    assert len(result.accepted) == 100
    by_number = {r["number"]: r for r in standin.received()}
    assert all(by_number[m.address]["params"] == dict(m.params) for m in messages)
    assert {r["action"] for r in by_number.values()} == {"SendBatchSms"}


def test_throttling_takes_nothing(standin, aliyun, sms, numbers) -> None:
    standin.configure(rate=50)
    result = aliyun.send(uuid.uuid4(), [sms(n, month="3月") for n in numbers(60)])
    assert result.throttled and not result.accepted and not result.rejected
    assert standin.received() == [] and standin.stats()["throttled"] == 1


def test_a_number_the_provider_refuses_is_rejected_for_good(standin, aliyun, sms) -> None:
    standin.configure(illegal_numbers=["13900000042"])
    message = sms("13900000042", month="3月")
    result = aliyun.send(uuid.uuid4(), [message])
    [rejected] = result.rejected
    assert (rejected.message_id, rejected.code, rejected.permanent) == (message.message_id, NUMBER_ILLEGAL, True)


def test_a_malformed_number_is_rejected_before_the_call_and_the_rest_go(standin, aliyun, sms, numbers) -> None:
    good = [sms(n, month="3月") for n in numbers(3)]
    bad = sms("12345", month="3月")
    result = aliyun.send(uuid.uuid4(), [*good, bad])
    assert set(result.accepted) == {m.message_id for m in good}
    assert [(r.message_id, r.code, r.permanent) for r in result.rejected] == [(bad.message_id, NUMBER_ILLEGAL, True)]
    assert "12345" not in {r["number"] for r in standin.received()}


def test_the_stand_in_answers_a_malformed_number_as_aliyun_does(standin) -> None:
    params = signed("SendSms", {"PhoneNumbers": "0571-888", "SignName": "阳光物业", "TemplateCode": "SMS_1",
                                "TemplateParam": "{}"},
                    key_id="test-key", secret="test-secret", region="cn-hangzhou", now=datetime.now(tz=UTC))
    assert httpx.post(standin.url + "/", data=params).json()["Code"] == NUMBER_ILLEGAL


def test_per_number_flow_control_is_a_temporary_rejection(standin, aliyun, sms) -> None:
    standin.configure(per_number_limit=1, per_number_window=3600)
    assert aliyun.send(uuid.uuid4(), [sms("13900000007", month="3月")]).accepted
    result = aliyun.send(uuid.uuid4(), [sms("13900000007", month="4月")])
    [rejected] = result.rejected
    assert (rejected.code, rejected.permanent) == (FLOW_CONTROL, False) and not result.accepted
    assert len(standin.received("13900000007")) == 1


def test_other_errors_are_temporary_with_the_code_and_message(standin, aliyun, sms) -> None:
    standin.configure(templates={"SMS_100": "尊敬的${name}，您${month}的物业费为${amount}元"})
    [rejected] = aliyun.send(uuid.uuid4(), [sms("13900000008", month="3月")]).rejected
    assert rejected.code == "isv.TEMPLATE_MISSING_PARAMETERS" and not rejected.permanent
    assert "amount" in rejected.reason and "name" in rejected.reason


def test_a_timeout_whose_sms_went_is_found_by_find_sent(standin, sms_settings, sms, numbers) -> None:
    adapter = AliyunSms(sms_settings(standin.url, timeout=0.5))
    messages = [sms(n, month="3月") for n in numbers(3)]
    call_id, started = uuid.uuid4(), datetime.now(tz=UTC)
    standin.configure(delay_next=5)
    with pytest.raises(OutcomeUnknown):
        adapter.send(call_id, messages)
    assert len(standin.received()) == 3  # it went, though the answer never came in time
    found = adapter.find_sent(call_id, messages, started)
    assert found == {m.message_id: str(call_id) for m in messages}
    assert adapter.find_sent(uuid.uuid4(), messages, started) == {}  # another call's OutId is not this one
    adapter.close()


def test_a_dropped_answer_whose_sms_went_is_found(standin, aliyun, sms) -> None:
    message, call_id = sms("13900000009", month="3月"), uuid.uuid4()
    standin.configure(drop_next="after")
    with pytest.raises(OutcomeUnknown):
        aliyun.send(call_id, [message])
    assert aliyun.find_sent(call_id, [message], datetime.now(tz=UTC)) == {message.message_id: str(call_id)}


def test_a_lost_call_that_did_not_go_is_not_found(standin, aliyun, sms) -> None:
    message, call_id = sms("13900000010", month="3月"), uuid.uuid4()
    standin.configure(drop_next="before")
    with pytest.raises(OutcomeUnknown):
        aliyun.send(call_id, [message])
    assert standin.received() == []
    assert aliyun.find_sent(call_id, [message], datetime.now(tz=UTC)) == {}


def test_find_sent_pages_through_a_number_s_day(standin, aliyun, sms) -> None:
    for _ in range(55):  # more than one page (50) of this number's SMS that day
        assert aliyun.send(uuid.uuid4(), [sms("13900000011", month="3月")]).accepted
    call_id, message = uuid.uuid4(), sms("13900000011", month="4月")
    aliyun.send(call_id, [message])
    assert aliyun.find_sent(call_id, [message], datetime.now(tz=UTC)) == {message.message_id: str(call_id)}


def test_find_sent_that_cannot_ask_leaves_the_outcome_unknown(sms_settings, sms) -> None:
    adapter = AliyunSms(sms_settings("http://127.0.0.1:9", timeout=0.5))  # nothing listens there
    with pytest.raises(OutcomeUnknown):
        adapter.find_sent(uuid.uuid4(), [sms("13900000012")], datetime.now(tz=UTC))
    # A call that could not connect did not go: rejected for now, not unknown.
    [rejected] = adapter.send(uuid.uuid4(), [sms("13900000012")]).rejected
    assert rejected.code == "notify.CONNECT_FAILED" and not rejected.permanent


def _post(standin, params: dict[str, str]) -> dict:
    return httpx.post(standin.url + "/", data=params).json()


def _send_params(now: datetime, nonce: str | None = None, secret: str = "test-secret") -> dict[str, str]:
    return signed("SendSms", {"PhoneNumbers": "13900000013", "SignName": "阳光物业", "TemplateCode": "SMS_1",
                              "TemplateParam": json.dumps({"month": "3月"}, ensure_ascii=False)},
                  key_id="test-key", secret=secret, region="cn-hangzhou", now=now, nonce=nonce)


def test_the_stand_in_refuses_a_bad_signature_an_old_timestamp_and_a_reused_nonce(standin) -> None:
    now = datetime.now(tz=UTC)
    assert _post(standin, _send_params(now, secret="wrong"))["Code"] == "SignatureDoesNotMatch"
    tampered = {**_send_params(now), "PhoneNumbers": "13900000014"}
    assert _post(standin, tampered)["Code"] == "SignatureDoesNotMatch"
    assert _post(standin, _send_params(now - timedelta(minutes=20)))["Code"] == "InvalidTimeStamp.Expired"
    assert _post(standin, _send_params(now, nonce="once"))["Code"] == "OK"
    assert _post(standin, _send_params(now, nonce="once"))["Code"] == "SignatureNonceUsed"
    assert len(standin.received()) == 1
    # GET is signed as GET.
    get = signed("QuerySendDetails", {"PhoneNumber": "13900000013", "SendDate": "20260101", "PageSize": "10",
                                      "CurrentPage": "1"},
                 key_id="test-key", secret="test-secret", region="cn-hangzhou", now=now, method="GET")
    assert httpx.get(standin.url + "/", params=get).json()["Code"] == "OK"


def test_an_adapter_with_another_secret_is_refused(standin, sms_settings, sms) -> None:
    adapter = AliyunSms(sms_settings(standin.url, secret="not-the-secret"))
    [rejected] = adapter.send(uuid.uuid4(), [sms("13900000015", month="3月")]).rejected
    assert rejected.code == "SignatureDoesNotMatch" and not rejected.permanent
    adapter.close()


def test_the_stand_in_counts_numbers_per_second_and_shows_what_arrived(standin, aliyun, sms, numbers) -> None:
    aliyun.send(uuid.uuid4(), [sms(n, month="3月") for n in numbers(30)])
    stats = httpx.get(standin.url + "/_standin/stats").json()
    assert stats["messages"] == 30 and sum(stats["accepted_per_second"].values()) == 30
    assert stats["max_received_per_second"] >= stats["max_accepted_per_second"] > 0
    listed = httpx.get(standin.url + "/_standin/messages", params={"number": numbers(1)[0]}).json()["messages"]
    assert [m["number"] for m in listed] == numbers(1)
    page = httpx.get(standin.url + "/")
    assert page.headers["content-type"].startswith("text/html") and numbers(1)[0] in page.text


def test_the_admin_api_configures_and_resets(standin, aliyun, sms) -> None:
    answer = httpx.post(standin.url + "/_standin/config", json={"fail_suffixes": ["44"], "rate": 7}).json()
    assert answer["fail_suffixes"] == ["44"] and answer["rate"] == 7
    assert httpx.post(standin.url + "/_standin/config", json={"no_such": 1}).status_code == 400
    aliyun.send(uuid.uuid4(), [sms("13900000044", month="3月")])
    [record] = standin.received()
    assert (record["send_status"], record["err_code"]) == (2, "MN:0001")
    assert httpx.post(standin.url + "/_standin/reset").status_code == 200
    assert standin.received() == [] and standin.config.rate == 0
