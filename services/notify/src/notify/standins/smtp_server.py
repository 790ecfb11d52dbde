"""The SMTP stand-in: a real SMTP server (aiosmtpd) that keeps what it receives, for tests and
``make run``.

Every message is kept (envelope from and to, the decoded subject, the body, its Message-ID, when
it arrived) and listed as JSON (``/messages``) and as a page (``/``) on a second port, so a newcomer
sees the notice arrive. For tests of those paths it can require AUTH (a user and password) and
offer STARTTLS with a self-signed certificate made at start (``cert_path``: what a client trusts),
refuse given recipients with 550, and fail the next N sessions with 421.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import ssl
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from notify.standins.pages import newest_first, page_number


@dataclass(frozen=True)
class Received:
    mail_from: str
    to: list[str]
    subject: str
    body: str
    message_id: str
    at: str


def self_signed(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A key and a self-signed certificate for ``host``, written to ``folder``."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "estatedesk smtp stand-in")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    key_path, cert_path = folder / "standin.key", folder / "standin.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class _Handler:
    def __init__(self, standin: SmtpStandin) -> None:
        self.standin = standin

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if self.standin.take_failure(session):
            return "421 4.3.2 the stand-in is failing this session on purpose, try again later"
        envelope.mail_from = address
        envelope.mail_options.extend(options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: list[str]) -> str:
        if address.lower() in self.standin.refused:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.standin.keep(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content or envelope.content)
        return "250 OK: kept"


class SmtpStandin:
    """``with SmtpStandin(port=0) as smtp: ...``; ``smtp.received`` is what arrived."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8025, http_port: int | None = None, *,
                 username: str = "", password: str = "", starttls: bool = False,
                 refused: Iterable[str] = ()) -> None:
        self.host, self.port, self.http_port = host, port, http_port
        self.username, self.password, self.starttls = username, password, starttls
        self.refused = {address.lower() for address in refused}
        self.received: list[Received] = []
        self.cert_path: Path | None = None
        self._lock = threading.Lock()
        self._fail_sessions = 0
        self._failed: set[int] = set()
        self._folder = tempfile.TemporaryDirectory(prefix="smtp-standin-")
        self._controller: Controller | None = None
        self._http: ThreadingHTTPServer | None = None

    def fail_next_sessions(self, count: int) -> None:
        with self._lock:
            self._fail_sessions = count

    def take_failure(self, session: Any) -> bool:
        with self._lock:
            if id(session) in self._failed:
                return True
            if self._fail_sessions > 0:
                self._fail_sessions -= 1
                self._failed.add(id(session))
                return True
            return False

    def keep(self, mail_from: str, to: list[str], content: bytes) -> None:
        parsed = message_from_bytes(content, policy=policy.default)
        body = parsed.get_body(preferencelist=("plain", "html"))
        self.received.append(Received(
            mail_from=mail_from, to=to, subject=str(parsed["subject"] or ""),
            body=body.get_content() if body is not None else "", message_id=str(parsed["message-id"] or ""),
            at=dt.datetime.now(dt.UTC).isoformat()))

    def tls_context(self) -> ssl.SSLContext:
        """A client context that trusts this stand-in's certificate."""
        assert self.cert_path is not None, "started without STARTTLS"
        return ssl.create_default_context(cafile=str(self.cert_path))

    def start(self) -> SmtpStandin:
        kwargs: dict[str, Any] = {}
        if self.starttls:
            key_path, self.cert_path = self_signed(Path(self._folder.name), self.host)
            server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            server_context.load_cert_chain(self.cert_path, key_path)
            kwargs["tls_context"] = server_context
        if self.username:
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=self.starttls)
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port or _free_port(self.host),
                                      server_hostname="estatedesk-smtp-standin", **kwargs)
        self._controller.start()
        self.port = self._controller.port
        if self.http_port is not None:
            self._http = ThreadingHTTPServer((self.host, self.http_port), _page(self))
            self.http_port = self._http.server_address[1]
            threading.Thread(target=self._http.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
        self._folder.cleanup()

    def __enter__(self) -> SmtpStandin:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = (isinstance(data, LoginPassword) and data.login.decode() == self.username
              and data.password.decode() == self.password)
        return AuthResult(success=ok, handled=False)


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _page(standin: SmtpStandin) -> type[BaseHTTPRequestHandler]:
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            kept = [asdict(r) for r in list(standin.received)]
            if self.path.startswith("/messages"):
                self._answer(json.dumps({"count": len(kept), "messages": kept}, ensure_ascii=False), "application/json")
                return
            shown, nav = newest_first(kept, page_number(dict(parse_qsl(urlsplit(self.path).query))))
            rows = "".join(f"<tr><td>{html.escape(r['at'])}</td><td>{html.escape(', '.join(r['to']))}</td>"
                           f"<td>{html.escape(r['subject'])}</td><td><pre>{html.escape(r['body'])}</pre></td></tr>"
                           for r in shown)
            self._answer(f"<!doctype html><meta charset=utf-8><title>SMTP stand-in</title>"
                         f"<h1>E-mail received 收到的邮件: {len(kept)}</h1>"
                         f'<p>JSON: <a href="/messages">/messages</a></p>{nav}<table border=1><tr><th>at</th>'
                         f"<th>to</th><th>subject</th><th>body</th></tr>{rows}</table>{nav}",
                         "text/html; charset=utf-8")

        def _answer(self, text: str, kind: str) -> None:
            body = text.encode()
            self.send_response(200)
            self.send_header("content-type", kind)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (http.server's name)
            pass
    return Page


def serve(host: str, port: int, http_port: int) -> int:
    """``notify smtp-standin``: run until SIGTERM/SIGINT, logging each message that arrives."""
    from servicekit.amqp import stop_on_signals

    standin = SmtpStandin(host, port, http_port).start()
    print(f"SMTP stand-in on {host}:{standin.port}; what arrived: http://{host}:{standin.http_port}/", flush=True)
    try:
        with stop_on_signals() as stop:
            seen = 0
            while not stop.wait(0.5):
                for r in standin.received[seen:]:
                    print(f"{r.at} {r.mail_from} -> {', '.join(r.to)}: {r.subject}", flush=True)
                seen = len(standin.received)
    finally:
        standin.stop()
    return 0
