"""Aliyun's SMS API (dysmsapi, version 2017-05-25) behind :class:`notify.providers.base.Adapter`.

RPC style: every call is a form-encoded ``POST {endpoint}/`` of the common parameters and the
action's own, signed with HMAC-SHA1 as Aliyun documents it (:func:`signature`).

- ``SendSms``: up to 1,000 numbers that share one template, one signature and one set of
  variables; ``SendBatchSms``: up to 100 numbers, each with its own signature and variables.
  :meth:`AliyunSms.plan` groups messages into such calls; the call's ``OutId`` is the sender's
  ``provider_calls`` id, so receipts and the send-details query name it.
- Answers: ``OK`` → every message accepted with the call's ``BizId`` as its provider ref;
  ``Throttling.User`` → throttled (nothing taken); ``isv.MOBILE_NUMBER_ILLEGAL`` → rejected for
  good; ``isv.BUSINESS_LIMIT_CONTROL`` (the per-number flow control) and any other error → rejected
  for now, with Aliyun's code and message.
- Aliyun has no idempotency. A timeout or a connection lost after the request may have gone raises
  :class:`OutcomeUnknown`; the sender then asks :meth:`AliyunSms.find_sent` (``QuerySendDetails``
  per number on the call's send date, matched by ``OutId``) before anything is sent again.
- A message whose receipt never came: :meth:`AliyunSms.send_details` asks the same query what
  became of it (``SendStatus`` 3 delivered, 2 failed with its ``ErrCode``, 1 waiting for a report).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx

from notify.providers.base import DELIVERED, FAILED, WAITING, Delivery, OutcomeUnknown, Outgoing, Rejected, SendResult
from notify.providers.http_sms import NOT_SENT, json_object

VERSION = "2017-05-25"
SEND_SMS, SEND_BATCH_SMS, QUERY_SEND_DETAILS = "SendSms", "SendBatchSms", "QuerySendDetails"
MAX_SEND_SMS, MAX_SEND_BATCH_SMS, MAX_PAGE_SIZE = 1000, 100, 50

OK = "OK"
THROTTLED = "Throttling.User"
NUMBER_ILLEGAL = "isv.MOBILE_NUMBER_ILLEGAL"
FLOW_CONTROL = "isv.BUSINESS_LIMIT_CONTROL"
# Aliyun's send dates (SendDate, yyyyMMdd) are Beijing dates.
PROVIDER_TZ = ZoneInfo("Asia/Shanghai")

# A number Aliyun takes: a mainland mobile (11 digits from 13x to 19x, optionally +86 / 86 before
# it) or an international one written with 00 and the country code.
_NUMBER = re.compile(r"^(?:(?:\+|00)?86)?1[3-9]\d{9}$|^00[1-9]\d{6,15}$")


def valid_number(number: str) -> bool:
    return bool(_NUMBER.match(number))


# --- signing ----------------------------------------------------------------------------------------

def percent_encode(value: str) -> str:
    """RFC 3986 as Aliyun's POP signing wants it: unreserved characters kept, space ``%20``,
    ``*`` ``%2A``, ``~`` kept, UTF-8 bytes as ``%XY``."""
    return quote(value, safe="-_.~", encoding="utf-8")


def canonical_query(params: Mapping[str, str]) -> str:
    """Every parameter but ``Signature``, sorted by name, ``k=v`` percent-encoded, joined by ``&``."""
    return "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params) if k != "Signature")


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical_query(params))}"


def signature(method: str, params: Mapping[str, str], secret: str) -> str:
    """base64(HMAC-SHA1(secret + "&", StringToSign))."""
    digest = hmac.new(f"{secret}&".encode(), string_to_sign(method, params).encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def timestamp(now: datetime) -> str:
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signed(action: str, params: Mapping[str, str], *, key_id: str, secret: str, region: str, now: datetime,
           nonce: str | None = None, method: str = "POST") -> dict[str, str]:
    """The action's parameters with the common ones and the ``Signature``."""
    full = {
        "AccessKeyId": key_id, "Action": action, "Format": "JSON", "RegionId": region,
        "SignatureMethod": "HMAC-SHA1", "SignatureNonce": nonce or uuid.uuid4().hex,
        "SignatureVersion": "1.0", "Timestamp": timestamp(now), "Version": VERSION, **params,
    }
    full["Signature"] = signature(method, full, secret)
    return full


# --- the adapter --------------------------------------------------------------------------------------

def _params_key(message: Outgoing) -> str:
    """The message's variables as one text, for grouping: a call's 1,000 messages mostly share them,
    so the text is made once per distinct variables (each value's type in the cache's key: 1 and
    True are equal, but not the same text)."""
    try:
        return _params_text(tuple(sorted((k, type(v), v) for k, v in message.params.items())))
    except TypeError:  # a value that cannot be hashed (a list): its text, each time
        return json.dumps(dict(message.params), sort_keys=True, ensure_ascii=False, default=str)


@lru_cache(maxsize=1024)
def _params_text(items: tuple[tuple[str, type, Any], ...]) -> str:
    return json.dumps({k: v for k, _, v in items}, sort_keys=True, ensure_ascii=False, default=str)


def _template_param(message: Outgoing) -> str:
    # Aliyun's variables are strings; a number or a date is sent as its text.
    return json.dumps({k: str(v) for k, v in message.params.items()}, ensure_ascii=False)


def action_of(messages: Sequence[Outgoing]) -> str:
    """``SendSms`` when the call's messages share signature and variables, else ``SendBatchSms``."""
    shapes = {(m.sign_name, _params_key(m)) for m in messages}
    return SEND_SMS if len(shapes) <= 1 else SEND_BATCH_SMS


def _send_dates(at: datetime) -> list[str]:
    """The Beijing send dates a call made at ``at`` is listed under (the next, if it may have crossed midnight)."""
    return sorted({(at + delta).astimezone(PROVIDER_TZ).strftime("%Y%m%d")
                   for delta in (timedelta(0), timedelta(minutes=15))})


# QuerySendDetails' SendStatus: 1 waiting for the handset's report, 2 failed, 3 delivered.
_SEND_STATUS = {1: WAITING, 2: FAILED, 3: DELIVERED}


def _delivery(detail: Mapping[str, Any]) -> Delivery:
    state = _SEND_STATUS.get(int(detail.get("SendStatus") or 1), WAITING)
    at = None
    if state != WAITING and detail.get("ReceiveDate"):
        try:
            at = datetime.strptime(str(detail["ReceiveDate"]), "%Y-%m-%d %H:%M:%S").replace(tzinfo=PROVIDER_TZ)
        except ValueError:
            at = None
    code = str(detail.get("ErrCode") or ("DELIVERED" if state == DELIVERED else ""))[:100]
    return Delivery(state, code, None if state != FAILED else code, at)


def _chunks(items: list[Outgoing], size: int) -> list[list[Outgoing]]:
    """``items`` in calls of at most ``size``, a number at most once per call (two messages to one
    number in one call could not be told apart by the receipts, which name the call and the number)."""
    calls: list[list[Outgoing]] = []
    current: list[Outgoing] = []
    later: list[Outgoing] = []
    numbers: set[str] = set()
    for message in items:
        if message.address in numbers:
            later.append(message)
            continue
        current.append(message)
        numbers.add(message.address)
        if len(current) == size:
            calls.append(current)
            current, numbers = [], set()
    if current:
        calls.append(current)
    return calls + (_chunks(later, size) if later else [])


class AliyunSms:
    """The Aliyun SMS adapter, built from the settings (``sms_endpoint``, ``sms_access_key_id``,
    ``sms_access_key_secret``, ``sms_region``, ``sms_timeout_seconds``); ``client`` and ``clock``
    (the requests' Timestamp) for tests."""

    provider = "aliyun"
    channel = "sms"

    def __init__(self, settings: Any, *, client: httpx.Client | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        self.endpoint = settings.sms_endpoint.rstrip("/") + "/"
        self.key_id, self.secret = settings.sms_access_key_id, settings.sms_access_key_secret
        self.region = settings.sms_region
        self.client = client or httpx.Client(timeout=settings.sms_timeout_seconds)
        self.clock = clock or (lambda: datetime.now(tz=UTC))

    def close(self) -> None:
        self.client.close()

    def action_of(self, messages: Sequence[Outgoing]) -> str:
        """The action of a planned call (``provider_calls.action``)."""
        return action_of(messages)

    # -- plan ---------------------------------------------------------------------------------------

    def plan(self, messages: Sequence[Outgoing]) -> list[list[Outgoing]]:
        """Messages sharing template, signature and variables: ``SendSms`` calls of up to 1,000;
        the rest, per template: ``SendBatchSms`` calls of up to 100 (a lone message: ``SendSms``)."""
        shared: dict[tuple[str, str, str], list[Outgoing]] = {}
        for message in messages:
            key = (message.template_code or "", message.sign_name, _params_key(message))
            shared.setdefault(key, []).append(message)
        calls: list[list[Outgoing]] = []
        singles: dict[str, list[Outgoing]] = {}
        for (template, _sign, _params), group in shared.items():
            if len(group) > 1:
                calls.extend(_chunks(group, MAX_SEND_SMS))
            else:
                singles.setdefault(template, []).extend(group)
        for group in singles.values():
            calls.extend(_chunks(group, MAX_SEND_BATCH_SMS))
        return calls

    # -- send ---------------------------------------------------------------------------------------

    def send(self, call_id: UUID, messages: Sequence[Outgoing]) -> SendResult:
        """One ``SendSms`` or ``SendBatchSms`` call with ``OutId`` = ``call_id``. Numbers Aliyun would
        refuse, and messages without an approved template, are rejected before the call."""
        result = SendResult()
        going: list[Outgoing] = []
        for message in messages:
            if not valid_number(message.address):
                result.rejected.append(Rejected(message.message_id, NUMBER_ILLEGAL, "not a mobile number Aliyun takes",
                                                permanent=True))
            elif not message.template_code:
                result.rejected.append(Rejected(message.message_id, "notify.NO_TEMPLATE_CODE",
                                                "the template has no approved Aliyun template code", permanent=True))
            else:
                going.append(message)
        if not going:
            return result
        if len({m.template_code for m in going}) > 1:
            raise ValueError("one call takes one template; plan() the messages first")
        action = action_of(going)
        limit = MAX_SEND_SMS if action == SEND_SMS else MAX_SEND_BATCH_SMS
        if len(going) > limit:
            raise ValueError(f"{action} takes at most {limit} numbers; plan() the messages first")
        answer = self._call(action, self._send_params(action, call_id, going))
        return self._mark(result, going, answer)

    def _send_params(self, action: str, call_id: UUID, messages: list[Outgoing]) -> dict[str, str]:
        first = messages[0]
        if action == SEND_SMS:
            return {"PhoneNumbers": ",".join(m.address for m in messages), "SignName": first.sign_name,
                    "TemplateCode": first.template_code or "", "TemplateParam": _template_param(first),
                    "OutId": str(call_id)}
        return {
            "PhoneNumberJson": json.dumps([m.address for m in messages]),
            "SignNameJson": json.dumps([m.sign_name for m in messages], ensure_ascii=False),
            "TemplateCode": first.template_code or "",
            "TemplateParamJson": "[" + ",".join(_template_param(m) for m in messages) + "]",
            "OutId": str(call_id),
        }

    def _mark(self, result: SendResult, messages: list[Outgoing], answer: dict[str, Any]) -> SendResult:
        code, text = str(answer.get("Code", "")), str(answer.get("Message", ""))
        result.request_id = answer.get("RequestId")
        if code == OK:
            result.provider_ref = answer.get("BizId")
            result.accepted.update({m.message_id: result.provider_ref for m in messages})
        elif code == THROTTLED:
            result.throttled = True
        else:
            # A bad number in a call of one is that number's for good; in a call of many Aliyun
            # does not say which (the check before the call keeps this rare): retried, not failed.
            permanent = code == NUMBER_ILLEGAL and len(messages) == 1
            result.rejected.extend(Rejected(m.message_id, code or "notify.NO_CODE", text[:500], permanent)
                                   for m in messages)
        return result

    # -- find_sent ----------------------------------------------------------------------------------

    def find_sent(self, call_id: UUID, messages: Sequence[Outgoing], started_at: datetime) -> dict[UUID, str | None]:
        """Which of the call's messages Aliyun has: ``QuerySendDetails`` per number on the call's
        send date (and the next, if the call may have crossed midnight), matched by ``OutId``.
        The query does not return the BizId, so a found message's provider ref is the OutId (the
        call id, which the provider holds too): its receipts name it as ``out_id``, and
        :func:`notify.receipts.use_cases.apply_pending` takes it as well as a BizId. A query that fails
        raises :class:`OutcomeUnknown`: the call stays unknown and is asked again later, never
        resent on a guess."""
        found: dict[UUID, str | None] = {}
        for message in messages:
            if self._detail(message.address, _send_dates(started_at), str(call_id)) is not None:
                found[message.message_id] = str(call_id)
        return found

    def send_details(self, call_id: UUID, messages: Sequence[Outgoing], sent_at: datetime) -> dict[UUID, Delivery]:
        """What ``QuerySendDetails`` says of each of the call's messages whose receipt never came:
        ``SendStatus`` 3 delivered (at its ``ReceiveDate``), 2 failed (its ``ErrCode``), 1 waiting.
        A message the query does not list is left out; a query that fails raises :class:`OutcomeUnknown`."""
        said: dict[UUID, Delivery] = {}
        for message in messages:
            detail = self._detail(message.address, _send_dates(sent_at), str(call_id))
            if detail is not None:
                said[message.message_id] = _delivery(detail)
        return said

    def _detail(self, number: str, days: list[str], out_id: str) -> dict[str, Any] | None:
        """The send detail of ``number`` with ``OutId`` ``out_id`` on one of ``days``, if any."""
        for day in days:
            page = 1
            while True:
                answer = self._call(QUERY_SEND_DETAILS, {"PhoneNumber": number, "SendDate": day,
                                                         "PageSize": str(MAX_PAGE_SIZE), "CurrentPage": str(page)})
                if answer.get("Code") != OK:
                    raise OutcomeUnknown(f"QuerySendDetails answered {answer.get('Code')}: {answer.get('Message')}")
                details = (answer.get("SmsSendDetailDTOs") or {}).get("SmsSendDetailDTO") or []
                found = next((d for d in details if str(d.get("OutId")) == out_id), None)
                if found is not None:
                    return found
                if page * MAX_PAGE_SIZE >= int(answer.get("TotalCount") or 0) or not details:
                    break
                page += 1
        return None

    # -- the wire -----------------------------------------------------------------------------------

    def _call(self, action: str, params: Mapping[str, str]) -> dict[str, Any]:
        """POST one signed action; its JSON answer (Aliyun answers errors as JSON too, 4xx or 200).

        Nothing went (refused connection, connect timeout): the answer says so, as a temporary
        error. It may have gone (read timeout, connection lost, a 5xx, an answer that is not
        JSON): :class:`OutcomeUnknown`."""
        body = signed(action, params, key_id=self.key_id, secret=self.secret, region=self.region,
                      now=self.clock())
        try:
            response = self.client.post(self.endpoint, data=body)
        except NOT_SENT as exc:
            return {"Code": "notify.CONNECT_FAILED", "Message": f"{type(exc).__name__}: {exc}"[:500]}
        except httpx.HTTPError as exc:
            raise OutcomeUnknown(f"{action}: {type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise OutcomeUnknown(f"{action}: HTTP {response.status_code}")
        return json_object(response, f"{action}: ")
