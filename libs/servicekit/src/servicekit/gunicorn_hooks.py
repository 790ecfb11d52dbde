"""gunicorn server hooks every service's gunicorn configuration uses.

With several workers, each process counts its own requests; Prometheus's multiprocess mode shares
the counters through files so ``/metrics`` answers for the whole server, whichever worker serves
the scrape. The master makes (and empties) that folder before forking, unless
``PROMETHEUS_MULTIPROC_DIR`` names one already.

gunicorn answers a request it cannot even parse (a request line longer than
``limit_request_line``: 414; a header past ``limit_request_field_size``: 431; a malformed line: 400)
itself, in HTML. ``on_starting`` makes those answers problem details like every other error.

gunicorn's error lines quote a request line or path as sent ("Invalid request from ip=...: Invalid
HTTP request line: 'POST /api/v1/receipts/aliyun/<secret> ...'", "Error handling request POST
/api/v1/receipts/aliyun/<secret>"), and so would its access lines: ``on_starting`` puts
:class:`servicekit.logs.RedactSecretPaths` on both loggers, and each worker's app declares its
secret paths (:func:`servicekit.web.declare_secret_paths`) before it serves a request.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from typing import Any

from prometheus_client import multiprocess

from servicekit.logs import RedactSecretPaths

ENV = "PROMETHEUS_MULTIPROC_DIR"

# gunicorn 25.1+ opens a control socket at one path per user (~/.gunicorn/gunicorn.ctl): every web
# server of `make run` would take it from the one before, and a container with a read-only root
# filesystem has no home to make it in. Nothing here uses it (gunicornc); a gunicorn_conf imports this.
control_socket_disable = True


def write_problem(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's ``util.write_error``, answering ``application/problem+json`` instead of HTML.

    gunicorn's message is not sent: it quotes the request line or header, which may carry a
    phone number in a query string.
    """
    from gunicorn import util

    body = json.dumps({"type": "about:blank", "title": reason, "status": status_int,
                       "detail": _DETAILS.get(status_int, _UNREADABLE)}).encode()
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/problem+json\r\nContent-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


# gunicorn answers before any header is read, so both languages are said at once.
_UNREADABLE = "The server could not read the request. / 无法读取请求。"
_DETAILS = {
    414: "The request line (method, path and query) is longer than the server reads. / 请求行过长。",
    431: "A request header, or all of them together, is larger than the server reads. / 请求头过大。",
    400: "The server could not read the request line or its headers. / 无法读取请求行或请求头。",
}


def install_problem_errors() -> None:
    """Make gunicorn write its own error answers as problem details (see :func:`write_problem`)."""
    from gunicorn import util

    util.write_error = write_problem


def install_log_redaction() -> None:
    """Redact declared secret paths in gunicorn's error and access lines (see the module's docstring)."""
    for name in ("gunicorn.error", "gunicorn.access"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSecretPaths) for f in logger.filters):
            logger.addFilter(RedactSecretPaths())


def on_starting(server: Any) -> None:
    install_problem_errors()  # before the workers fork, so each inherits it
    install_log_redaction()
    folder = os.environ.get(ENV) or tempfile.mkdtemp(prefix="prometheus-")
    shutil.rmtree(folder, ignore_errors=True)  # counters of an earlier run would be added in
    os.makedirs(folder)
    os.environ[ENV] = folder


def child_exit(server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)


def bind_and_workers(service: str, default_port: int) -> tuple[str, int]:
    """gunicorn's ``bind`` and ``workers`` for ``service``: ``<SERVICE>_WEB_HOST`` (127.0.0.1),
    ``<SERVICE>_PORT``, ``<SERVICE>_WEB_WORKERS`` (2).

    The host defaults to this machine only: ``make run`` on a laptop must not offer the APIs (and the
    demo's tokens) to the whole café network. Containers and Kubernetes, where other hosts must reach
    the server, set ``<SERVICE>_WEB_HOST=0.0.0.0`` explicitly (docker-compose.yml, deploy/k8s).
    """
    prefix = service.upper()
    host = os.environ.get(f"{prefix}_WEB_HOST") or "127.0.0.1"
    port = os.environ.get(f"{prefix}_PORT", str(default_port))
    return f"{host}:{port}", int(os.environ.get(f"{prefix}_WEB_WORKERS", "2"))
