"""What every service's Flask app has in common: problem details, correlation ids, auth,
``/healthz``, ``/readyz`` and ``/metrics``.

Services call these from their ``create_app()``; nothing here is created at import time.
"""

from __future__ import annotations

import copy
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from http import HTTPStatus
from typing import Any, NoReturn
from urllib.parse import quote

from flask import Flask, Response, g, has_request_context, jsonify, request
from flask_smorest import Api, abort
from marshmallow import Schema, fields
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import Collector
from werkzeug.exceptions import HTTPException

from servicekit import correlation
from servicekit.apidocs import serve_docs_locally
from servicekit.auth import AuthError, Principal, TokenVerifier, bearer_token
from servicekit.errors import CHINESE, ENGLISH, Message
from servicekit.logs import declare_secret_path

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("servicekit.web")


def problem(status: int, title: str | Message | None = None, detail: str | Message | None = None, *,
            errors: Any = None, type_: str = "about:blank", headers: Mapping[str, str] | None = None) -> Response:
    """An RFC 7807 problem-details response, said in the language the caller prefers.

    ``title`` defaults to the status's phrase; a :class:`~servicekit.errors.Message` title or
    detail is answered in the language ``Accept-Language`` prefers (English without one), and the
    answer's ``Content-Language`` says which.
    """
    language = answer_language()
    body: dict[str, Any] = {"type": type_, "title": _say(title or status_title(status), language), "status": status}
    if detail:
        body["detail"] = _say(detail, language)
    if errors:
        body["errors"] = errors
    cid = correlation.current()
    if cid:
        body["correlation_id"] = cid
    response = jsonify(body)
    response.status_code = status
    response.mimetype = PROBLEM_JSON
    response.headers["Content-Language"] = language
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def answer_language() -> str:
    """The language of this request's answers: zh-CN where ``Accept-Language`` prefers Chinese,
    else English (also outside a request)."""
    if not has_request_context():
        return ENGLISH
    best = request.accept_languages.best_match(("en", "zh-CN", "zh"))
    return CHINESE if best and best.lower().startswith("zh") else ENGLISH


def refuse(status: int, en: str, zh: str, *, errors: Any = None) -> NoReturn:
    """Stop the request with a problem answer of ``status``, saying why in English and Chinese:
    for refusals of the web layer itself (a role, a media type); the domain raises
    :mod:`servicekit.errors` instead."""
    abort(status, message=Message(en, zh), errors=errors)
    raise AssertionError("unreachable")  # pragma: no cover - abort raises


def status_title(status: int) -> Message:
    """The title of a problem answer of ``status``, in both languages."""
    if status in _TITLES:
        return _TITLES[status]
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    return Message(phrase, phrase)


def _say(text: str | Message, language: str) -> str:
    return text.in_language(language) if isinstance(text, Message) else text


_TITLES = {
    400: Message("Bad Request", "请求有误"),
    401: Message("Unauthorized", "未认证"),
    403: Message("Forbidden", "无权操作"),
    404: Message("Not Found", "未找到"),
    405: Message("Method Not Allowed", "不支持此方法"),
    406: Message("Not Acceptable", "无法提供所需格式"),
    409: Message("Conflict", "与现有记录冲突"),
    410: Message("Gone", "已不存在"),
    412: Message("Precondition Failed", "前提条件不满足"),
    413: Message("Content Too Large", "请求内容过大"),
    414: Message("URI Too Long", "请求地址过长"),
    415: Message("Unsupported Media Type", "不支持的内容类型"),
    422: Message("Unprocessable Content", "请求内容无效"),
    428: Message("Precondition Required", "缺少前提条件"),
    429: Message("Too Many Requests", "请求过于频繁"),
    431: Message("Request Header Fields Too Large", "请求头过大"),
    500: Message("Internal Server Error", "服务器内部错误"),
    502: Message("Bad Gateway", "上游服务出错"),
    503: Message("Service Unavailable", "服务暂不可用"),
    504: Message("Gateway Timeout", "上游服务超时"),
}

# What an HTTP error says when nothing more particular was given.
_DETAILS = {
    400: Message("The request could not be read.", "无法读取请求。"),
    401: Message("Authentication is required.", "需要认证。"),
    403: Message("You may not do this.", "您无权执行此操作。"),
    404: Message("The requested URL was not found on the server.", "服务器上没有所请求的地址。"),
    405: Message("The method is not allowed for the requested URL.", "所请求的地址不支持此方法。"),
    413: Message("The request is larger than this service accepts.", "请求内容超过本服务接受的大小。"),
    415: Message("The request's media type is not supported here.", "此处不支持该请求的内容类型。"),
    422: Message("The request does not match the schema; see errors.", "请求内容不符合要求，详见 errors。"),
    429: Message("Too many requests; try again later.", "请求过于频繁，请稍后再试。"),
    503: Message("The service is unavailable just now; try again later.", "服务暂不可用，请稍后再试。"),
}


def http_error_problem(error: HTTPException) -> Response:
    """Turn any HTTP error, a flask-smorest validation error included, into problem details."""
    data = getattr(error, "data", None)
    data = data if isinstance(data, dict) else {}
    errors = data.get("messages") or data.get("errors")
    detail: str | Message | None = data.get("message") if isinstance(data.get("message"), Message) else None
    if detail is None:
        detail = _DETAILS.get(error.code or 500)
    if detail is None and isinstance(error.description, str):
        detail = error.description
    if error.code == 422 and errors and "message" not in data:
        detail = _DETAILS[422]
    # The error's own headers (Allow on a 405, WWW-Authenticate...), less the HTML content type.
    headers = {key: value for key, value in error.get_headers() if key.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    return problem(error.code or 500, None, detail, errors=errors, headers=headers)


class ProblemSchema(Schema):
    """RFC 7807 problem details, as every estatedesk service answers an error (documentation only)."""

    type = fields.String(metadata={"description": "A URI naming the kind of problem; about:blank for plain HTTP ones"})
    title = fields.String(metadata={"description": "The HTTP status phrase"})
    status = fields.Integer(metadata={"description": "The HTTP status code"})
    detail = fields.String(metadata={"description": "What went wrong, for a person"})
    errors = fields.Dict(metadata={"description": "Field errors by location (json, query) and field name"})
    correlation_id = fields.String(metadata={"description": "Quote it to find the request in the logs"})


class ProblemDetailsApi(Api):
    """flask-smorest's Api answering every HTTP error, validation included, as problem details,
    and serving an OpenAPI document that says so (see :func:`problem_openapi`)."""

    ERROR_SCHEMA = ProblemSchema

    def init_app(self, app: Flask, *args: Any, **kwargs: Any) -> None:
        serve_docs_locally(app)  # /docs without any outside address, before the Api reads the config
        super().init_app(app, *args, **kwargs)

    def handle_http_exception(self, error: HTTPException) -> Response:  # type: ignore[override]
        return http_error_problem(error)

    def _init_spec(self, *args: Any, **kwargs: Any) -> None:
        super()._init_spec(*args, **kwargs)
        generate = self.spec.to_dict
        self.spec.to_dict = lambda: problem_openapi(generate())  # type: ignore[method-assign]


_NUMERIC_KEYWORDS = ("minimum", "maximum", "multipleOf")


def problem_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document flask-smorest generates, made to say what is sent.

    - Error answers (4xx, 5xx, default) are documented as ``application/problem+json``, as sent.
    - A JSON request body whose schema requires no field is optional: a request without one is
      read as ``{}`` and accepted, so the document must not call it required.
    - A numeric bound apispec wrote as a string (a Decimal field's range) is written as a number.
    """
    document = copy.deepcopy(document)
    components = document.get("components", {})
    schemas = components.get("schemas", {})
    for response in components.get("responses", {}).values():
        _as_problem(response)
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                if str(code) == "default" or str(code)[:1] in "45":
                    _as_problem(response)
            body = operation.get("requestBody")
            if body and body.get("required"):
                ref = body.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                target = schemas.get(ref.rpartition("/")[2]) if ref.startswith("#/components/schemas/") else None
                if target is not None and not target.get("required"):
                    body["required"] = False
    for schema in schemas.values():
        for prop in schema.get("properties", {}).values():
            for keyword in _NUMERIC_KEYWORDS:
                if isinstance(prop.get(keyword), str):
                    prop[keyword] = float(prop[keyword])
    return document


def _as_problem(response: dict[str, Any]) -> None:
    content = response.get("content")
    if isinstance(content, dict) and "application/json" in content:
        content[PROBLEM_JSON] = content.pop("application/json")


def install_problem_details(app: Flask) -> None:
    """HTTP errors as problem details, and anything unexpected as a logged 500 problem, never HTML."""
    app.register_error_handler(HTTPException, http_error_problem)

    app.register_error_handler(Exception, unexpected_error)


def unexpected_error(error: Exception) -> Response:
    """Anything unexpected: logged with its trace, answered as a 500 problem naming the correlation id."""
    log.error("unhandled error", exc_info=error)
    return problem(500, None, Message("The error was logged with this correlation id.",
                                       "错误已记入日志，请凭 correlation_id 查询。"))


_OWN_CHECK = "_servicekit_own_check"


def authenticated_by(check: Callable[[], bool]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a view as authenticated by ``check`` instead of a bearer token: a caller that cannot
    carry one, such as a provider's callback with a secret in its URL. The check runs before the
    body is read; failing, it is answered 404, as a path that does not exist. Put it closest to the
    function (below the route decorators), and document the operation with ``security: []``."""

    def mark(view: Callable[..., Any]) -> Callable[..., Any]:
        setattr(view, _OWN_CHECK, check)
        return view

    return mark


def declare_secret_paths(app: Flask) -> None:
    """Have every log line redact the variable part of the routes marked :func:`authenticated_by`:
    there the path is the credential (``/api/v1/receipts/aliyun/<token>``), and gunicorn and Flask
    quote request paths in their error lines. Call after the blueprints are registered."""
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        if getattr(view, _OWN_CHECK, None) is not None and "<" in rule.rule:
            declare_secret_path(rule.rule.split("<", 1)[0])


def install_authentication(app: Flask, verifier: TokenVerifier, *, prefix: str = "/api/") -> None:
    """Require a valid bearer token for every path under ``prefix`` (but the views marked
    :func:`authenticated_by`); the principal is in ``g``."""

    @app.before_request
    def _authenticate() -> Response | None:
        if not request.path.startswith(prefix):
            return None
        own_check = getattr(app.view_functions.get(request.endpoint or ""), _OWN_CHECK, None)
        if own_check is not None:
            return None if own_check() else problem(404, None, _DETAILS[404])
        try:
            g.principal = verifier.verify(bearer_token(request.headers.get("Authorization")))
        except AuthError as exc:
            return problem(401, None, exc.message, headers={"WWW-Authenticate": "Bearer"})
        return None


def current_principal() -> Principal:
    """The authenticated caller of this request."""
    return g.principal  # type: ignore[no-any-return]


def install_observability(
    app: Flask, service: str, readiness: Mapping[str, Callable[[], None]] | None = None,
    collectors: Sequence[Collector] = (),
) -> None:
    """Correlation ids in and out, request metrics, and the three operational endpoints.

    ``readiness`` maps a dependency's name to a check that raises when it is unreachable;
    ``collectors`` add metrics read when ``/metrics`` is scraped (e.g. the unrouted events' count).
    """
    registry = CollectorRegistry(auto_describe=True) if _multiprocess_dir() is None else None
    for collector in collectors if registry is not None else ():
        registry.register(collector)
    kwargs: dict[str, Any] = {"registry": registry} if registry is not None else {}
    requests_total = Counter("http_requests_total", "HTTP requests answered",
                             ["service", "method", "endpoint", "status"], **kwargs)
    latency = Histogram("http_request_duration_seconds", "HTTP request latency",
                        ["service", "endpoint"], **kwargs)
    checks = dict(readiness or {})

    @app.before_request
    def _begin() -> None:
        g._started = time.perf_counter()
        g._correlation_token = correlation.set_current(correlation.accept(request.headers.get(correlation.HEADER)))

    @app.after_request
    def _finish(response: Response) -> Response:
        endpoint = request.url_rule.rule if request.url_rule else "unmatched"
        started = g.pop("_started", None)
        if started is not None:
            latency.labels(service, endpoint).observe(time.perf_counter() - started)
        requests_total.labels(service, request.method, endpoint, str(response.status_code)).inc()
        cid = correlation.current()
        if cid:
            response.headers[correlation.HEADER] = cid
        return response

    @app.teardown_request
    def _reset(_exc: BaseException | None) -> None:
        token = g.pop("_correlation_token", None)
        if token is not None:
            correlation.reset(token)

    @app.get("/healthz")
    def healthz() -> Response:
        return jsonify(status="ok", service=service)

    @app.get("/readyz")
    def readyz() -> tuple[Response, int]:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                check()
                results[name] = "ok"
            except Exception as exc:  # a readiness probe reports, it does not raise
                results[name] = f"unavailable: {exc.__class__.__name__}"
        ready = all(value == "ok" for value in results.values())
        return jsonify(status="ready" if ready else "unavailable", checks=results), 200 if ready else 503

    @app.get("/metrics")
    def metrics() -> Response:
        if registry is None:
            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged)
            for collector in collectors:
                merged.register(collector)
            return Response(generate_latest(merged), mimetype=CONTENT_TYPE_LATEST)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


def _multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def asked_format(named: str | None, formats: Mapping[str, str]) -> str:
    """The format a report is answered in: the one ``?format=`` names, else the one of ``formats``
    (name -> media type) the Accept header prefers, else the first (JSON)."""
    if named:
        return named
    default = next(iter(formats.values()))
    best = request.accept_mimetypes.best_match(list(formats.values()), default=default)
    return next(name for name, media_type in formats.items() if media_type == best)


def file_answer(data: bytes, media_type: str, filename: str, **headers: str) -> Response:
    """A file to download: named (Chinese names too) and never read as anything but ``media_type``."""
    return Response(data, mimetype=media_type, headers={
        "Content-Disposition": content_disposition(filename), "X-Content-Type-Options": "nosniff", **headers})


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback name and the real one in RFC 5987 form (Chinese names)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
