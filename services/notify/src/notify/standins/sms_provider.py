"""The SMS provider stand-in: a small threaded HTTP server that answers like Aliyun's SMS API.

It checks each request's signature (with its key id and secret), its timestamp (15 minutes either
way) and that its nonce was not used before; it takes ``SendSms``, ``SendBatchSms`` and
``QuerySendDetails``; and it keeps every SMS it took (number, signature, template, variables,
out id, biz id, time) and counts the numbers it received and took per second.

On demand it throttles (``rate`` messages or ``request_rate`` requests per second answer
``Throttling.User``), holds the per-number flow control (``per_number_limit`` SMS per number in
``per_number_window`` seconds answer ``isv.BUSINESS_LIMIT_CONTROL``), refuses numbers of a bad
format or in ``illegal_numbers`` (``isv.MOBILE_NUMBER_ILLEGAL``), takes numbers in
``fail_numbers`` or ending in one of ``fail_suffixes`` but reports them undeliverable
(``MN:0001`` 空号), and once delays its answer by ``delay_next`` seconds or drops the connection
(``drop_next``: ``"after"`` the SMS was taken, or ``"before"``): the timeouts whose SMS went or did not.

Shortly after taking SMS (``receipt_delay``) it pushes their delivery receipts to ``callback`` as
Aliyun's SmsReport does: JSON arrays of at most 100; a push the callback does not answer with
``{"code": 0}`` is pushed again ``receipt_retry`` seconds later (up to ``receipt_attempts``
times), and ``duplicate_receipts`` pushes every batch twice on purpose. Receipts get lost, as
they do: those of ``lost_receipts`` numbers are never pushed (``QuerySendDetails`` still tells
their outcome), and those of ``unreported_numbers`` are never pushed and the query says only
``SendStatus`` 1 (waiting for the handset's report).

Admin API: ``GET /_standin/messages`` (``?number=``), ``GET /_standin/stats``, ``GET|POST
/_standin/config``, ``POST /_standin/reset``; ``GET /`` is a page listing what arrived.
In tests: ``with SmsStandin(StandinConfig(...)) as standin: standin.url``.
"""

from __future__ import annotations

import hmac
import html
import itertools
import json
import logging
import re
import socket
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from notify.providers.aliyun import (
    FLOW_CONTROL,
    MAX_PAGE_SIZE,
    MAX_SEND_BATCH_SMS,
    MAX_SEND_SMS,
    NUMBER_ILLEGAL,
    OK,
    PROVIDER_TZ,
    THROTTLED,
    signature,
    valid_number,
)
from notify.standins.pages import newest_first, page_number

log = logging.getLogger(__name__)
_VARIABLE = re.compile(r"\$\{(\w+)\}")
MAX_REPORTS_PER_PUSH = 100


@dataclass
class StandinConfig:
    key_id: str = "estatedesk-local"
    secret: str = "estatedesk-local-secret"
    callback: str | None = None  # where receipts are pushed; None: not pushed
    rate: float = 0.0  # messages (numbers) per second; 0: no limit
    request_rate: float = 0.0  # requests per second; 0: no limit
    per_number_limit: int = 0  # SMS per number per per_number_window; 0: no limit
    per_number_window: float = 60.0
    fail_numbers: list[str] = field(default_factory=list)
    fail_suffixes: list[str] = field(default_factory=list)
    fail_code: str = "MN:0001"
    fail_reason: str = "空号"
    illegal_numbers: list[str] = field(default_factory=list)
    delay_next: float = 0.0  # delay the next send's answer by this many seconds, once (the SMS is taken)
    drop_next: str = ""  # "after" (taken) | "before" (not taken): close the next send's connection unanswered
    receipt_delay: float = 0.2
    receipt_retry: float = 1.0
    receipt_attempts: int = 10
    receipt_threads: int = 2  # pushes made at once (read when started)
    duplicate_receipts: bool = False
    lost_receipts: list[str] = field(default_factory=list)  # numbers whose receipts are never pushed
    unreported_numbers: list[str] = field(default_factory=list)  # never pushed, and the query says 1 (waiting)
    max_skew_seconds: float = 900.0
    templates: dict[str, str] = field(default_factory=dict)  # template code -> text with ${name}, to show

    def changed(self, values: dict[str, Any]) -> StandinConfig:
        known = {f.name for f in fields(self)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown settings: {', '.join(unknown)}")
        if values.get("drop_next", "") not in ("", "after", "before"):
            raise ValueError('drop_next is "", "after" or "before"')
        return replace(self, **values)


class _Refused(Exception):
    def __init__(self, code: str, message: str, status: int = 200) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def _beijing(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, tz=PROVIDER_TZ)


class SmsStandin:
    """The stand-in's state and behaviour; :meth:`start` serves it on ``host:port`` (0: any free port)."""

    def __init__(self, config: StandinConfig | None = None, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.initial = config or StandinConfig()
        self.config = self.initial
        self.host, self.port = host, port
        self._lock = threading.RLock()
        self._wake = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self.delay_once = 0.0
        self._reset_state()

    def _reset_state(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self._by_number: dict[str, list[dict[str, Any]]] = {}  # for QuerySendDetails
        self.received_per_second: Counter[int] = Counter()
        self.accepted_per_second: Counter[int] = Counter()
        self.requests_per_second: Counter[int] = Counter()
        self.counts: Counter[str] = Counter()
        self._nonces: dict[tuple[str, str], float] = {}
        self._per_number: dict[str, deque[float]] = {}
        self._fresh: deque[tuple[float, dict[str, Any]]] = deque()  # (due, report), in the order they fall due
        self._retries: list[tuple[float, int, list[dict[str, Any]]]] = []  # (due, attempt, batch)
        self._ids = itertools.count(1)

    # -- running ------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() it first"
        return f"http://{self.host}:{self._server.server_address[1]}"

    def start(self) -> SmsStandin:
        standin = self

        class Handler(_Handler):
            pass

        Handler.standin = standin
        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self._stopping = False
        self._threads = [threading.Thread(target=self._server.serve_forever, args=(0.05,), name="sms-standin",
                                          daemon=True)]
        self._threads += [threading.Thread(target=self._push_receipts, name=f"sms-standin-receipts-{n}", daemon=True)
                          for n in range(max(1, self.config.receipt_threads))]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            self._wake.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)

    def __enter__(self) -> SmsStandin:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # -- admin --------------------------------------------------------------------------------------

    def configure(self, **values: Any) -> StandinConfig:
        with self._lock:
            self.config = self.config.changed(values)
            self._wake.notify_all()
            return self.config

    def reset(self) -> None:
        with self._lock:
            self.config = self.initial
            self._reset_state()

    def received(self, number: str | None = None, last: int | None = None) -> list[dict[str, Any]]:
        """What arrived (of ``number``; the ``last`` only), oldest first."""
        with self._lock:
            rows = self.messages if number is None else self._by_number.get(number, [])
            return [dict(m) for m in (rows[-last:] if last else rows)]

    def stats(self) -> dict[str, Any]:
        with self._lock:
            def series(counter: Counter[int]) -> dict[str, int]:
                return {str(second): n for second, n in sorted(counter.items())}

            return {
                **{name: self.counts[name] for name in ("requests", "messages", "throttled", "refused",
                                                        "receipt_posts", "receipts_pushed", "receipt_failures")},
                "pending_receipts": len(self._fresh) + sum(len(b) for _, _, b in self._retries),
                "received_per_second": series(self.received_per_second),
                "max_received_per_second": max(self.received_per_second.values(), default=0),
                "accepted_per_second": series(self.accepted_per_second),
                "max_accepted_per_second": max(self.accepted_per_second.values(), default=0),
                "max_requests_per_second": max(self.requests_per_second.values(), default=0),
            }

    # -- the API --------------------------------------------------------------------------------------

    def answer(self, method: str, params: dict[str, str]) -> tuple[int, dict[str, Any], str]:
        """``(status, JSON answer, what to do after answering: "" | "drop" | "delay")``."""
        request_id = str(uuid.uuid4()).upper()
        try:
            with self._lock:
                now = time.time()
                self._authenticate(method, params, now)
                action = params.get("Action", "")
                if action in ("SendSms", "SendBatchSms"):
                    body, after = self._send(action, params, now)
                elif action == "QuerySendDetails":
                    body, after = self._query(params), ""
                else:
                    raise _Refused("InvalidAction.NotFound", f"unknown action {action!r}", 404)
        except _Refused as refused:
            with self._lock:
                self.counts["throttled" if refused.code == THROTTLED else "refused"] += 1
            return refused.status, {"Code": refused.code, "Message": refused.message, "RequestId": request_id}, ""
        return 200, {**body, "RequestId": request_id}, after

    def _authenticate(self, method: str, params: dict[str, str], now: float) -> None:
        config = self.config
        if params.get("AccessKeyId") != config.key_id:
            raise _Refused("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404)
        expected = signature(method, params, config.secret)
        if not hmac.compare_digest(expected, params.get("Signature", "")):
            raise _Refused("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400)
        try:
            at = datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()
        except ValueError:
            raise _Refused("InvalidTimeStamp.Format", "Specified time stamp is not valid.", 400) from None
        if abs(now - at) > config.max_skew_seconds:
            raise _Refused("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400)
        nonce = (config.key_id, params.get("SignatureNonce", ""))
        if not nonce[1]:
            raise _Refused("MissingSignatureNonce", "SignatureNonce is mandatory for this action.", 400)
        if nonce in self._nonces:
            raise _Refused("SignatureNonceUsed", "Specified signature nonce was used already.", 400)
        if len(self._nonces) > 100_000:
            self._nonces = {k: t for k, t in self._nonces.items() if now - t <= config.max_skew_seconds}
        self._nonces[nonce] = now

    def _send(self, action: str, params: dict[str, str], now: float) -> tuple[dict[str, Any], str]:
        config = self.config
        second = int(now)
        self.counts["requests"] += 1
        self.requests_per_second[second] += 1
        drop, config_change = config.drop_next, {}
        if drop == "before":
            self.config = replace(config, drop_next="")
            return {}, "drop"
        numbers, signs, template, variables = _read_send(action, params)
        self.received_per_second[second] += len(numbers)
        if config.request_rate and self.requests_per_second[second] > config.request_rate:
            raise _Refused(THROTTLED, "Request was denied due to user flow control.", 400)
        if config.rate and self.accepted_per_second[second] + len(numbers) > config.rate:
            raise _Refused(THROTTLED, "Request was denied due to user flow control.", 400)
        bad = [n for n in numbers if not valid_number(n) or n in config.illegal_numbers]
        if bad:
            raise _Refused(NUMBER_ILLEGAL, "非法手机号 / invalid mobile number")
        if config.per_number_limit:
            for number in numbers:
                recent = self._per_number.setdefault(number, deque())
                while recent and now - recent[0] > config.per_number_window:
                    recent.popleft()
                if len(recent) >= config.per_number_limit:
                    raise _Refused(FLOW_CONTROL, "触发号码天级流控 / per-number flow control")
        text = config.templates.get(template)
        if text is not None:
            missing = sorted({name for vs in variables for name in _VARIABLE.findall(text) if name not in vs})
            if missing:
                raise _Refused("isv.TEMPLATE_MISSING_PARAMETERS", f"模版缺少变量 / missing: {', '.join(missing)}")
        biz_id = f"{int(now * 1000)}{next(self._ids):06d}^0"
        out_id = params.get("OutId", "")
        for number, sign, values in zip(numbers, signs, variables, strict=True):
            self._take(number, sign, template, values, out_id, biz_id, action, now)
        self.accepted_per_second[second] += len(numbers)
        self.counts["messages"] += len(numbers)
        after = ""
        if drop == "after":
            after, config_change = "drop", {"drop_next": ""}
        elif config.delay_next:
            after, config_change = "delay", {"delay_next": 0.0}
            self.delay_once = config.delay_next
        if config_change:
            self.config = replace(config, **config_change)
        self._wake.notify_all()
        return {"Code": OK, "Message": "OK", "BizId": biz_id}, after

    def _take(self, number: str, sign: str, template: str, values: dict[str, Any], out_id: str, biz_id: str,
              action: str, now: float) -> None:
        config = self.config
        fails = number in config.fail_numbers or any(number.endswith(s) for s in config.fail_suffixes if s)
        unreported = number in config.unreported_numbers
        text = config.templates.get(template)
        shown = _VARIABLE.sub(lambda m: str(values.get(m.group(1), m.group(0))), text) if text else None
        record = {
            "number": number, "sign_name": sign, "template_code": template, "params": values, "text": shown,
            "out_id": out_id, "biz_id": biz_id, "action": action, "at": _beijing(now).isoformat(),
            "send_status": 1 if unreported else 2 if fails else 3,
            "err_code": "" if unreported else config.fail_code if fails else "DELIVERED",
        }
        self.messages.append(record)
        self._by_number.setdefault(number, []).append(record)
        self._per_number.setdefault(number, deque()).append(now)
        stamp = _beijing(now).strftime("%Y-%m-%d %H:%M:%S")
        report = {"phone_number": number, "send_time": stamp, "report_time": stamp, "success": not fails,
                  "err_code": config.fail_code if fails else "DELIVERED",
                  "err_msg": config.fail_reason if fails else "用户接收成功", "sms_size": "1",
                  "biz_id": biz_id, "out_id": out_id}
        if config.callback and not unreported and number not in config.lost_receipts:
            self._fresh.append((now + config.receipt_delay, report))

    def _query(self, params: dict[str, str]) -> dict[str, Any]:
        number, day = params.get("PhoneNumber", ""), params.get("SendDate", "")
        if not number or not re.fullmatch(r"\d{8}", day):
            raise _Refused("isv.INVALID_PARAMETERS", "PhoneNumber and SendDate (yyyyMMdd) are required")
        try:
            size, page = int(params.get("PageSize", "10")), int(params.get("CurrentPage", "1"))
        except ValueError:
            raise _Refused("isv.INVALID_PARAMETERS", "PageSize and CurrentPage are numbers") from None
        if not 1 <= size <= MAX_PAGE_SIZE or page < 1:
            raise _Refused("isv.INVALID_PARAMETERS", f"PageSize is 1 to {MAX_PAGE_SIZE}, CurrentPage from 1")
        biz_id = params.get("BizId")
        rows = [m for m in self._by_number.get(number, ()) if m["at"][:10].replace("-", "") == day
                and (not biz_id or m["biz_id"] == biz_id)]
        shown = rows[(page - 1) * size:page * size]
        return {"Code": OK, "Message": "OK", "TotalCount": len(rows), "SmsSendDetailDTOs": {"SmsSendDetailDTO": [
            {"PhoneNum": m["number"], "SendStatus": m["send_status"], "ErrCode": m["err_code"],
             "TemplateCode": m["template_code"], "Content": m["text"] or json.dumps(m["params"], ensure_ascii=False),
             "SendDate": m["at"][:19].replace("T", " "), "ReceiveDate": m["at"][:19].replace("T", " "),
             "OutId": m["out_id"]} for m in shown]}}

    # -- receipts -------------------------------------------------------------------------------------

    def _push_receipts(self) -> None:
        """One pusher thread: takes the next due batch (of at most 100), pushes it, again later if refused."""
        with httpx.Client(timeout=10) as client:
            while True:
                with self._lock:
                    batch = self._next_batch()
                    while batch is None and not self._stopping:
                        self._wake.wait(timeout=self._next_due())
                        batch = self._next_batch()
                    if self._stopping:
                        return
                    callback, duplicate = self.config.callback, self.config.duplicate_receipts
                attempt, reports = batch
                pushed = self._post(client, callback, reports)
                if pushed and duplicate:
                    self._post(client, callback, reports)
                with self._lock:
                    if not pushed and attempt + 1 < self.config.receipt_attempts:
                        self._retries.append((time.time() + self.config.receipt_retry, attempt + 1, reports))
                        self._wake.notify_all()

    def _next_batch(self) -> tuple[int, list[dict[str, Any]]] | None:
        """A due retry, else up to 100 due fresh reports (they are queued in the order they fall due)."""
        now = time.time()
        for index, (due, attempt, reports) in enumerate(self._retries):
            if due <= now:
                del self._retries[index]
                return attempt, reports
        reports = []
        while self._fresh and self._fresh[0][0] <= now and len(reports) < MAX_REPORTS_PER_PUSH:
            reports.append(self._fresh.popleft()[1])
        return (0, reports) if reports else None

    def _next_due(self) -> float | None:
        dues = ([self._fresh[0][0]] if self._fresh else []) + [due for due, _, _ in self._retries]
        return max(0.01, min(dues) - time.time()) if dues else None

    def _post(self, client: httpx.Client, callback: str | None, batch: list[dict[str, Any]]) -> bool:
        if not callback:
            return False
        try:
            response = client.post(callback, json=batch)
            ok = response.status_code == 200 and response.json().get("code") == 0
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            log.info("receipts push to %s failed: %s", callback, exc)
            ok = False
        with self._lock:
            self.counts["receipt_posts"] += 1
            if ok:
                self.counts["receipts_pushed"] += len(batch)
            else:
                self.counts["receipt_failures"] += 1
        return ok


def _read_send(action: str, params: dict[str, str]) -> tuple[list[str], list[str], str, list[dict[str, Any]]]:
    """``(numbers, signatures, template code, variables)`` of one send, one entry per number."""
    template = params.get("TemplateCode", "")
    if not template:
        raise _Refused("isv.INVALID_PARAMETERS", "TemplateCode is required")
    try:
        if action == "SendSms":
            numbers = [n.strip() for n in params.get("PhoneNumbers", "").split(",") if n.strip()]
            values = json.loads(params.get("TemplateParam") or "{}")
            signs, variables = [params.get("SignName", "")] * len(numbers), [values] * len(numbers)
            limit = MAX_SEND_SMS
        else:
            numbers = json.loads(params.get("PhoneNumberJson", "[]"))
            signs = json.loads(params.get("SignNameJson", "[]"))
            variables = json.loads(params.get("TemplateParamJson") or "[]")
            limit = MAX_SEND_BATCH_SMS
    except ValueError:
        raise _Refused("isv.INVALID_JSON_PARAM", "JSON参数不合法 / a JSON parameter is not valid JSON") from None
    if not numbers or len(numbers) > limit:
        raise _Refused("isv.INVALID_PARAMETERS", f"{action} takes 1 to {limit} numbers")
    if (len(signs) != len(numbers) or len(variables) != len(numbers)
            or not all(isinstance(v, dict) for v in variables) or not all(isinstance(n, str) for n in numbers)):
        raise _Refused("isv.INVALID_PARAMETERS", "numbers, signatures and variables must match one for one")
    if not all(signs):
        raise _Refused("isv.SMS_SIGNATURE_ILLEGAL", "签名不合法 / a signature is missing")
    return numbers, signs, template, variables


class _Handler(BaseHTTPRequestHandler):
    standin: SmsStandin
    protocol_version = "HTTP/1.1"
    server_version = "estatedesk-sms-standin"

    def setup(self) -> None:
        super().setup()
        # An answer is written as headers then body: without this, Nagle's algorithm and the
        # client's delayed ACK hold each answer back ~40 ms.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (the stdlib's name)
        log.debug(format, *args)

    def do_GET(self) -> None:  # noqa: N802  (the stdlib's name)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        if url.path == "/" and "Action" in query:
            self._api("GET", query)
        elif url.path == "/":
            self._write(200, _page(self.standin, page_number(query)).encode(), "text/html; charset=utf-8")
        elif url.path == "/_standin/messages":
            self._json(200, {"messages": self.standin.received(query.get("number"))})
        elif url.path == "/_standin/stats":
            self._json(200, self.standin.stats())
        elif url.path == "/_standin/config":
            self._json(200, asdict(self.standin.config))
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802  (the stdlib's name)
        url = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8", errors="replace")
        if url.path == "/":
            self._api("POST", {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()})
        elif url.path == "/_standin/config":
            try:
                values = json.loads(body or "{}")
                if not isinstance(values, dict):
                    raise ValueError("a JSON object of settings")
                self._json(200, asdict(self.standin.configure(**values)))
            except (ValueError, TypeError) as exc:
                self._json(400, {"error": str(exc)})
        elif url.path == "/_standin/reset":
            self.standin.reset()
            self._json(200, {"reset": True})
        else:
            self._json(404, {"error": "not found"})

    def _api(self, method: str, params: dict[str, str]) -> None:
        status, body, after = self.standin.answer(method, params)
        if after == "drop":
            self.close_connection = True
            return
        if after == "delay":
            time.sleep(self.standin.delay_once)
        try:
            self._json(status, body)
        except OSError:
            pass  # the caller timed out and went away

    def _json(self, status: int, body: Any) -> None:
        self._write(status, json.dumps(body, ensure_ascii=False).encode(), "application/json; charset=utf-8")

    def _write(self, status: int, data: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def _page(standin: SmsStandin, page: int = 1) -> str:
    """Everything that arrived, newest first, a page at a time (the first refreshed every 2 seconds);
    all of it as JSON at ``/_standin/messages``."""
    stats = standin.stats()
    rows, nav = newest_first(standin.received(), page)
    refresh = '<meta http-equiv="refresh" content="2">' if page == 1 else ""
    cells = "".join(
        f"<tr><td>{html.escape(m['at'][11:19])}</td><td>{html.escape(m['number'])}</td>"
        f"<td>【{html.escape(m['sign_name'])}】{html.escape(m['text'] or '')}</td>"
        f"<td>{html.escape(m['template_code'])}</td>"
        f"<td><code>{html.escape(json.dumps(m['params'], ensure_ascii=False))}</code></td>"
        f"<td>{'✔' if m['send_status'] == 3 else '✘ ' + html.escape(m['err_code'])}</td>"
        f"<td>{html.escape(m['biz_id'])}</td></tr>" for m in rows)
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">{refresh}
<title>SMS stand-in 短信模拟</title><style>body{{font-family:sans-serif;margin:1.5em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 6px;font-size:13px}}</style></head><body>
<h1>SMS stand-in 短信服务模拟 (Aliyun API)</h1>
<p>收到 received: <b>{stats['messages']}</b> SMS in {stats['requests']} requests ·
峰值 max/s: {stats['max_accepted_per_second']} · 限流 throttled: {stats['throttled']} ·
回执 receipts pushed: {stats['receipts_pushed']} (pending {stats['pending_receipts']}) ·
JSON: <a href="/_standin/messages">/_standin/messages</a> (?number=) · <a href="/_standin/stats">/_standin/stats</a></p>
{nav}<table><tr><th>时间 time</th><th>号码 number</th><th>内容 text</th><th>模板 template</th><th>变量 params</th>
<th>回执 receipt</th><th>BizId</th></tr>{cells}</table>{nav}</body></html>"""


# -- the command: ``notify sms-standin`` ------------------------------------------------------------

def command_arguments(parser: Any) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=None, help="default: the port of NOTIFY_SMS_ENDPOINT (8093)")
    parser.add_argument("--callback", default=None,
                        help="where receipts are pushed; default: this machine's notify receipts URL")
    parser.add_argument("--no-callback", action="store_true", help="push no receipts")
    parser.add_argument("--rate", type=float, default=0.0, help="messages per second before Throttling.User (0: none)")
    parser.add_argument("--request-rate", type=float, default=0.0, help="requests per second (0: none)")
    parser.add_argument("--per-number-limit", type=int, default=0,
                        help="SMS per number per --per-number-window seconds (0: none)")
    parser.add_argument("--per-number-window", type=float, default=60.0)
    parser.add_argument("--fail-number", action="append", default=[], help="a number reported undeliverable")
    parser.add_argument("--fail-suffix", action="append", default=[],
                        help="numbers ending so are reported undeliverable (MN:0001 空号)")
    parser.add_argument("--receipt-delay", type=float, default=0.2, help="seconds before receipts are pushed")
    parser.add_argument("--duplicate-receipts", action="store_true", help="push every receipt batch twice")
    parser.add_argument("--template", action="append", default=[], metavar="CODE=TEXT",
                        help="a template's text, to show what arrived (repeatable)")


def run_command(settings: Any, args: Any) -> int:
    endpoint = urlsplit(settings.sms_endpoint)
    callback = None if args.no_callback else (
        args.callback or f"http://127.0.0.1:{settings.port}/api/v1/receipts/aliyun/{settings.receipts_token}")
    config = StandinConfig(
        key_id=settings.sms_access_key_id, secret=settings.sms_access_key_secret, callback=callback,
        rate=args.rate, request_rate=args.request_rate, per_number_limit=args.per_number_limit,
        per_number_window=args.per_number_window, fail_numbers=args.fail_number, fail_suffixes=args.fail_suffix,
        receipt_delay=args.receipt_delay, duplicate_receipts=args.duplicate_receipts,
        templates=dict(item.split("=", 1) for item in args.template if "=" in item),
    )
    standin = SmsStandin(config, host=args.host, port=args.port if args.port is not None else endpoint.port or 8093)
    standin.start()
    print(f"SMS stand-in on {standin.url} (what arrived: {standin.url}/), receipts to {callback or 'nowhere'}",
          flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
    return 0
