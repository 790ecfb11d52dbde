"""The nginx configuration of the front door, rendered from the route table (gateway.edge.route_table).

What the front door does for every request, whichever service answers it:

* passes the caller's ``Authorization`` on untouched (every service verifies the token itself);
* keeps the caller's ``X-Request-ID`` when it is sane (1-128 of ``A-Za-z0-9._:/-``), else makes one,
  sends it on as ``X-Request-ID`` and ``X-Correlation-ID`` (the services' correlation id) and
  answers it in ``X-Request-ID``;
* limits each route's body (413 problem beyond it);
* limits each caller's rate (their bearer token, else their address): 429 problem with
  ``Retry-After``. With a rate store (``Edge.rate_store``, a Redis URL) every replica of the front
  door counts in that one Redis, so a caller has one limit however many replicas serve them
  (gateway.edge.rate_limit: Lua in nginx, not Python on the request path; a busy caller's slots are
  leased from it in batches, ``Edge.rate_lease_seconds``); a replica that cannot
  reach the store counts alone in its own memory meanwhile and logs an error for each such request.
  Without a store (one nginx, a test) nginx's own ``limit_req`` counts;
* answers CORS for the configured origins only (a preflight with 204);
* answers a problem document, never an HTML page, when a service cannot be reached: 503 with
  ``Retry-After`` when nothing answers at its address (stopped), 504 when it does not answer in time;
* never serves a service's ``/metrics``;
* logs one JSON line per request, without the query string (it may hold a name or a number).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gateway.edge import rate_limit
from gateway.edge.route_table import ROOT_PATHS, ROOT_PREFIXES, ROUTES, Route

REQUEST_ID = r"^[A-Za-z0-9._:/-]{1,128}$"
PREFLIGHT_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
PREFLIGHT_HEADERS = "Authorization, Content-Type, Idempotency-Key, X-Request-ID, Accept-Language"


@dataclass(frozen=True)
class Edge:
    """How the front door listens and limits (gateway.settings: ``GATEWAY_EDGE_*``)."""

    host: str = "127.0.0.1"
    port: int = 8000
    cors_origins: tuple[str, ...] = ()
    rate: str = "50r/s"  # nginx's rate: "50r/s", "30r/m"
    burst: int = 100
    connect_timeout_seconds: float = 2.0
    read_timeout_seconds: float = 60.0
    retry_after_seconds: int = 5
    workers: int = 1
    upstreams: Mapping[str, str] = field(default_factory=dict)  # service -> "host:port"
    # Where every replica counts each caller's requests (redis://host:port/db, or unix:///path/redis.sock?db=N
    # for a Redis beside the door); None: this nginx alone.
    rate_store: str | None = None
    # A busy caller's slots leased from the store in batches of about this many seconds of their requests
    # (gateway.edge.rate_limit: the precision given up); 0: every request asks the store.
    rate_lease_seconds: float = 0.1
    rate_prefix: str = ""  # the store's keys: this + md5 of the caller; "": edge:<port>:rate: (two suites
    #                        on one machine, one Redis, count apart; a deployment's replicas share a port)
    modules: str = rate_limit.DEBIAN_MODULES  # where nginx's dynamic modules are (ndk, lua)
    error_log: str = "stderr"  # where nginx writes its errors (a file, for a test that reads them)


def _problem(status: int, title_en: str, title_zh: str, detail_en: str, detail_zh: str) -> dict[str, str]:
    """A problem document per language, as nginx returns it (``$edge_language`` picks one)."""

    def body(title: str, detail: str) -> str:
        return json.dumps({"type": "about:blank", "title": title, "status": status, "detail": detail,
                           "request_id": "$edge_request_id"}, ensure_ascii=False)

    return {"en": body(title_en, detail_en), "zh": body(title_zh, detail_zh)}


PROBLEMS = {
    "unavailable": (503, _problem(503, "Service Unavailable", "服务不可用",
                                  "the $edge_service service is not answering; try again shortly",
                                  "$edge_service 服务暂时无法响应，请稍后重试")),
    "timeout": (504, _problem(504, "Gateway Timeout", "网关超时",
                              "the $edge_service service did not answer in time",
                              "$edge_service 服务未能及时响应")),
    "too_large": (413, _problem(413, "Content Too Large", "请求体过大",
                                "the request body is larger than $edge_service takes",
                                "请求体超过 $edge_service 服务允许的大小")),
    "too_many": (429, _problem(429, "Too Many Requests", "请求过多",
                               "too many requests from this caller; wait as Retry-After says",
                               "该调用方请求过多，请按 Retry-After 等待后重试")),
    "not_found": (404, _problem(404, "Not Found", "未找到",
                                "no service answers this path at the front door",
                                "前端入口没有此路径")),
}


def _quote(text: str) -> str:
    """A string in nginx's configuration syntax (single quotes, escaped)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _size(size: int) -> str:
    return f"{size // 1024}k" if size % (1024 * 1024) else f"{size // (1024 * 1024)}m"


def _upstream_name(service: str) -> str:
    return "svc_" + re.sub(r"[^a-z0-9_]", "_", service)


def common_headers(extra: Iterable[str] = ()) -> list[str]:
    """The headers every answer carries. nginx takes a location's ``add_header`` lines instead of the
    server's, never beside them, so each location that adds one repeats these."""
    return [
        "add_header X-Request-ID $edge_request_id always;",
        "add_header Access-Control-Allow-Origin $edge_cors_origin always;",
        "add_header Access-Control-Allow-Methods $edge_cors_methods always;",
        "add_header Access-Control-Allow-Headers $edge_cors_headers always;",
        "add_header Access-Control-Max-Age $edge_cors_max_age always;",
        "add_header Access-Control-Expose-Headers $edge_cors_expose always;",
        "add_header Vary Origin always;",
        *extra,
    ]


def proxy_headers(prefix: str) -> list[str]:
    """The headers sent on to a service. nginx takes a location's ``proxy_set_header`` lines instead
    of the server's, never beside them, so each proxying location has them all."""
    return [
        "proxy_set_header Connection '';",
        "proxy_set_header Host $host;",
        "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "proxy_set_header X-Forwarded-Proto $scheme;",
        *([f"proxy_set_header X-Forwarded-Prefix {prefix};"] if prefix else []),
        "proxy_set_header X-Request-ID $edge_request_id;",
        "proxy_set_header X-Correlation-ID $edge_request_id;",
    ]


def render(edge: Edge, var: Path, *, as_root: bool = False, routes: tuple[Route, ...] = ROUTES,
           root_paths: Mapping[str, tuple[str, str]] = ROOT_PATHS,
           root_prefixes: Mapping[str, tuple[str, int]] = ROOT_PREFIXES) -> str:
    """nginx.conf for ``nginx -p <var> -c <var>/nginx.conf -e stderr -g 'daemon off;'``; its pid file
    and temporary folders are under ``var``."""
    services = list(dict.fromkeys([r.service for r in routes] + [service for service, _ in root_paths.values()]
                                  + [service for service, _ in root_prefixes.values()]))
    port_of = {r.service: r.port for r in routes}
    lines: list[str] = []
    add = lines.append
    if as_root:
        # Started as root (a development container, CI): the workers stay root so that they can reach
        # the temporary folders under var/, which nobody else may enter. Deployed, it runs as its user.
        add("user root root;")
    if edge.rate_store:
        for module in rate_limit.MODULES:
            add(f"load_module {edge.modules}/{module};")
    add(f"worker_processes {edge.workers};")
    add(f"pid {var / 'nginx.pid'};")
    add(f"error_log {edge.error_log} warn;")
    add("events { worker_connections 4096; }")
    add("http {")
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        add(f"    {name}_temp_path {var / 'tmp' / name};")
    add("    server_tokens off;")
    add("    log_format edge escape=json '{\"time\":\"$time_iso8601\",\"request_id\":\"$edge_request_id\","
        "\"method\":\"$request_method\",\"path\":\"$uri\",\"status\":$status,\"service\":\"$edge_service\","
        "\"upstream\":\"$upstream_addr\",\"seconds\":$request_time}';")
    add("    access_log /dev/stdout edge;")
    # Request ids: the caller's when sane, else nginx's own.
    add("    map $http_x_request_id $edge_request_id {")
    add("        default $request_id;")
    add(f"        {_quote('~' + REQUEST_ID)} $http_x_request_id;")
    add("    }")
    # The language of the front door's own problem answers.
    add("    map $http_accept_language $edge_language { default en; ~*^zh zh; }")
    for kind, (_status, texts) in PROBLEMS.items():
        add(f"    map $edge_language $edge_problem_{kind} {{")
        add(f"        default {_quote(texts['en'])};")
        add(f"        zh {_quote(texts['zh'])};")
        add("    }")
    add("    map $edge_language $edge_content_language { default en; zh zh-CN; }")
    # CORS: the configured origins only.
    add("    map $http_origin $edge_cors_origin {")
    add("        default '';")
    for origin in edge.cors_origins:
        add(f"        {_quote(origin)} $http_origin;")
    add("    }")
    add("    map $request_method$edge_cors_origin $edge_preflight { default 0; ~^OPTIONS.+ 1; }")
    add(f"    map $edge_preflight $edge_cors_methods {{ default ''; 1 {_quote(PREFLIGHT_METHODS)}; }}")
    add(f"    map $edge_preflight $edge_cors_headers {{ default ''; 1 {_quote(PREFLIGHT_HEADERS)}; }}")
    add("    map $edge_preflight $edge_cors_max_age { default ''; 1 600; }")
    add("    map $edge_cors_origin $edge_cors_expose { default 'X-Request-ID, Retry-After'; '' ''; }")
    # Per-caller rate: the bearer token, else the address.
    if edge.rate_store:
        add(f"    lua_package_path {_quote(rate_limit.LUA_PATH)};")
        add(f"    lua_shared_dict {rate_limit.FALLBACK_DICT} 20m;")
    else:
        add("    map $http_authorization $edge_caller { default $http_authorization; '' $binary_remote_addr; }")
        add(f"    limit_req_zone $edge_caller zone=edge_callers:20m rate={edge.rate};")
        add("    limit_req_status 429;")
        add("    limit_req_log_level warn;")
    for service in services:
        address = edge.upstreams.get(service) or f"127.0.0.1:{port_of.get(service, 80)}"
        add(f"    upstream {_upstream_name(service)} {{")
        add(f"        server {address} max_fails=0;")
        add("        keepalive 32;")
        add("    }")
    add("    server {")
    add(f"        listen {edge.host}:{edge.port};")
    add("        set $edge_service edge;")
    add("        client_max_body_size 1m;")
    add(f"        proxy_connect_timeout {edge.connect_timeout_seconds:g}s;")
    add(f"        proxy_read_timeout {edge.read_timeout_seconds:g}s;")
    add(f"        proxy_send_timeout {edge.read_timeout_seconds:g}s;")
    add("        proxy_http_version 1.1;")
    add("        proxy_next_upstream off;")  # a request is sent once: a POST is never repeated
    if edge.rate_store:
        add("        set $edge_retry_after 1;")  # the Lua limiter sets it when it refuses
        limit = f"access_by_lua_file {var / rate_limit.SCRIPT};"
    else:
        add(f"        limit_req zone=edge_callers burst={edge.burst} nodelay;")
        limit = None
    add("        error_page 502 503 = @unavailable;")
    add("        error_page 504 = @timeout;")
    add("        error_page 413 = @too_large;")
    add("        error_page 429 = @too_many;")
    add("        error_page 404 = @not_found;")
    for line in common_headers():
        add(f"        {line}")
    for route in routes:
        upstream = _upstream_name(route.service)
        prefix = route.prefix
        add(f"        location = {prefix}metrics {{ return 404; }}")
        add(f"        location {prefix} {{")
        add(f"            set $edge_service {route.service};")
        add(f"            client_max_body_size {_size(route.max_body)};")
        add("            if ($edge_preflight) { return 204; }")
        if limit:
            add(f"            {limit}")
        for line in proxy_headers(prefix.rstrip("/")):
            add(f"            {line}")
        add(f"            proxy_pass http://{upstream}/;")
        add("        }")
    def root_location(match: str, service: str, passed_to: str, max_body: int | None = None) -> None:
        add(f"        location {match} {{")
        add(f"            set $edge_service {service};")
        if max_body is not None:
            add(f"            client_max_body_size {_size(max_body)};")
        add("            if ($edge_preflight) { return 204; }")
        if limit:
            add(f"            {limit}")
        for line in proxy_headers(""):
            add(f"            {line}")
        add(f"            proxy_pass http://{_upstream_name(service)}{passed_to};")
        add("        }")

    for path, (service, upstream_path) in root_paths.items():
        root_location(f"= {path}", service, upstream_path)
    for prefix, (service, max_body) in root_prefixes.items():
        root_location(prefix, service, "", max_body)  # passed on whole: the service answers the same path
    add("        location / { return 404; }")  # nothing else: never a file from disk
    for kind, (status, _texts) in PROBLEMS.items():
        extra = [f"add_header Retry-After {edge.retry_after_seconds} always;"] if kind == "unavailable" else []
        if kind == "too_many":
            # nginx's limit_req refuses a caller until their next slot, at most one interval away.
            alone = max(1, math.ceil(1 / rate_limit.per_second(edge.rate)))
            extra = [f"add_header Retry-After {'$edge_retry_after' if edge.rate_store else alone} always;"]
        add(f"        location @{kind} {{")
        add("            default_type application/problem+json;")
        for line in common_headers(["add_header Content-Language $edge_content_language always;", *extra]):
            add(f"            {line}")
        add(f"            return {status} $edge_problem_{kind};")
        add("        }")
    add("    }")
    add("}")
    return "\n".join(lines) + "\n"


def write(edge: Edge, var: Path, *, as_root: bool = False) -> Path:
    """Render into ``var`` (made with its temporary folders); the configuration's path."""
    for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        folder = var / "tmp" / name
        folder.mkdir(parents=True, exist_ok=True)
    if edge.rate_store:
        (var / rate_limit.SCRIPT).write_text(rate_limit.script(edge), encoding="utf-8")
    path = var / "nginx.conf"
    path.write_text(render(edge, var, as_root=as_root), encoding="utf-8")
    return path
