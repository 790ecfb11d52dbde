"""A path whose secret is its credential never reaches a log line whole: JSON lines, gunicorn's error
and access lines, Flask's "Exception on <path>" lines; the routes marked authenticated_by declare it."""

from __future__ import annotations

import io
import json
import logging
import sys

from flask import Flask

from servicekit.gunicorn_hooks import install_log_redaction
from servicekit.logs import JsonFormatter, RedactSecretPaths, declare_secret_path, redact_secret_paths
from servicekit.web import authenticated_by, declare_secret_paths

PREFIX = "/test-hooks/provider/"
SECRET = "".join(["s3", "cr3t"])  # never whole in this file, whose lines a traceback quotes


def test_the_segment_after_a_declared_prefix_is_redacted_wherever_it_ends():
    declare_secret_path(PREFIX)
    for text, expected in [
        (f"POST {PREFIX}{SECRET} HTTP/1.1", f"POST {PREFIX}[redacted] HTTP/1.1"),
        (f"'{PREFIX}{SECRET}?x=1'", f"'{PREFIX}[redacted]?x=1'"),
        (f'"{PREFIX}{SECRET}/more"', f'"{PREFIX}[redacted]/more"'),
        (f"{PREFIX}{SECRET}\\x01 HTTP/1.1", f"{PREFIX}[redacted]\\x01 HTTP/1.1"),
        ("/test-hooks/other/s3cr3t", "/test-hooks/other/s3cr3t"),
    ]:
        assert redact_secret_paths(text) == expected


def test_json_lines_redact_the_message_the_traceback_and_extra_fields():
    declare_secret_path(PREFIX)
    try:
        raise ValueError(f"boom at {PREFIX}{SECRET}")
    except ValueError:
        record = logging.getLogger("t").makeRecord("t", logging.ERROR, __file__, 1, "Exception on %s [POST]",
                                                   (f"{PREFIX}{SECRET}",), exc_info=sys.exc_info(),
                                                   extra={"path": f"{PREFIX}{SECRET}"})
    line = JsonFormatter("svc").format(record)
    assert SECRET not in line
    entry = json.loads(line)
    assert entry["message"] == f"Exception on {PREFIX}[redacted] [POST]" and entry["path"] == f"{PREFIX}[redacted]"


def test_gunicorn_s_loggers_redact_through_the_filter():
    declare_secret_path(PREFIX)
    install_log_redaction()
    install_log_redaction()  # once per logger, however often called
    error = logging.getLogger("gunicorn.error")
    assert sum(isinstance(f, RedactSecretPaths) for f in error.filters) == 1
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    error.addHandler(handler)
    try:
        try:
            raise OSError(f"reset while reading {PREFIX}{SECRET}")
        except OSError:
            error.exception("Error handling request %s %s", "POST", f"{PREFIX}{SECRET}")
        access = logging.getLogger("gunicorn.access")
        access.addHandler(handler)
        access.setLevel(logging.INFO)
        access.info('"%(r)s" %(s)s', {"r": f"POST {PREFIX}{SECRET} HTTP/1.1", "s": "400"})  # gunicorn's atoms
    finally:
        error.removeHandler(handler)
        logging.getLogger("gunicorn.access").removeHandler(handler)
        logging.getLogger("gunicorn.access").setLevel(logging.NOTSET)
    written = stream.getvalue()
    assert SECRET not in written
    assert f"Error handling request POST {PREFIX}[redacted]" in written and f"{PREFIX}[redacted] HTTP/1.1" in written


def test_routes_marked_authenticated_by_declare_their_secret_path():
    app = Flask("hooks")

    @app.post("/test-hooks/marked/<token>")
    @authenticated_by(lambda: True)
    def marked(token: str) -> str:
        return "ok"

    @app.get("/test-hooks/open/<item>")
    def unmarked(item: str) -> str:
        return item

    declare_secret_paths(app)
    assert redact_secret_paths("/test-hooks/marked/abc") == "/test-hooks/marked/[redacted]"
    assert redact_secret_paths("/test-hooks/open/abc") == "/test-hooks/open/abc"
