"""E-mail over SMTP: one session per call, its messages one after another.

STARTTLS and AUTH when configured. Each message carries a stable ``Message-ID``
(``<message id@estatedesk>``), kept as its provider ref; subjects and bodies in any language are
encoded as MIME says (RFC 2047 headers, UTF-8 bodies). Outcomes: a recipient refused with 5xx is
rejected for good, with 4xx for now; a connection that fails or drops before DATA leaves the
remaining messages to be tried again; a drop after DATA leaves the outcome unknown. SMTP cannot
be asked afterwards what it took (``find_sent`` is None), so ``send_reporting`` tells each message
taken as soon as the server accepted it, keeping the double-send window to that one message.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable, Sequence
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, parseaddr
from typing import Any
from uuid import UUID

from notify.domain import channels
from notify.providers.base import OutcomeUnknown, Outgoing, Rejected, SendResult

Taken = Callable[[UUID, str | None, bool], None]
PER_SESSION = 50


def message_ref(message_id: UUID) -> str:
    return f"<{message_id}@estatedesk>"


def compose(outgoing: Outgoing, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = outgoing.address
    email["Subject"] = outgoing.subject or ""
    email["Message-ID"] = message_ref(outgoing.message_id)
    email["Date"] = formatdate(usegmt=True)
    email["Content-Language"] = outgoing.language
    email.set_content(outgoing.body, cte="base64")  # 7-bit safe: a server need not offer 8BITMIME
    return email


class SmtpEmail:
    provider = "smtp"
    channel = channels.EMAIL

    def __init__(self, settings: Any, tls_context: ssl.SSLContext | None = None) -> None:
        self.settings = settings
        self.tls_context = tls_context
        self.envelope_from = parseaddr(settings.smtp_from)[1] or settings.smtp_from

    def plan(self, messages: Sequence[Outgoing]) -> list[list[Outgoing]]:
        return [list(messages[i:i + PER_SESSION]) for i in range(0, len(messages), PER_SESSION)]

    def send(self, call_id: UUID, messages: Sequence[Outgoing]) -> SendResult:
        return self.send_reporting(call_id, messages, None)

    def send_reporting(self, call_id: UUID, messages: Sequence[Outgoing], taken: Taken | None) -> SendResult:
        result = SendResult(delivered_on_send=True)
        try:
            session = self._open()
        except (OSError, smtplib.SMTPException) as exc:
            return self._later(result, messages, "smtp_unavailable", str(exc) or type(exc).__name__)
        try:
            for index, outgoing in enumerate(messages):
                if not self._one(session, outgoing, result, taken, messages[index:]):
                    break
        finally:
            try:
                session.quit()
            except (OSError, smtplib.SMTPException):
                session.close()
        return result

    def _one(self, session: smtplib.SMTP, outgoing: Outgoing, result: SendResult, taken: Taken | None,
             remaining: Sequence[Outgoing]) -> bool:
        """Send one message; False when the session is lost (the remaining ones are to be tried again)."""
        try:
            code, answer = session.mail(self.envelope_from)
            if code != 250:
                self._later(result, remaining, f"smtp_{code}", _text(answer))
                return False
            code, answer = session.rcpt(outgoing.address)
            if code not in (250, 251):
                result.rejected.append(_refused(outgoing, code, answer))
                session.rset()
                return True
        except (OSError, smtplib.SMTPException) as exc:
            self._later(result, remaining, "smtp_connection_lost", str(exc) or type(exc).__name__)
            return False
        try:
            code, answer = session.data(compose(outgoing, self.settings.smtp_from).as_bytes(policy=SMTP))
        except smtplib.SMTPDataError as exc:  # DATA itself refused (no 354): nothing was taken
            result.rejected.append(_refused(outgoing, exc.smtp_code, exc.smtp_error))
            session.rset()
            return True
        except (OSError, smtplib.SMTPException) as exc:
            raise OutcomeUnknown(f"the SMTP session dropped after DATA: {exc}") from exc
        if code != 250:
            result.rejected.append(_refused(outgoing, code, answer))
            return True
        ref = message_ref(outgoing.message_id)
        result.accepted[outgoing.message_id] = ref
        if taken is not None:
            taken(outgoing.message_id, ref, True)
        return True

    def _open(self) -> smtplib.SMTP:
        s = self.settings
        session = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout_seconds)
        try:
            session.ehlo()
            if s.smtp_starttls:
                session.starttls(context=self.tls_context or ssl.create_default_context())
                session.ehlo()
            if s.smtp_username:
                session.login(s.smtp_username, s.smtp_password)
        except BaseException:
            session.close()
            raise
        return session

    @staticmethod
    def _later(result: SendResult, messages: Sequence[Outgoing], code: str, reason: str) -> SendResult:
        result.rejected.extend(Rejected(o.message_id, code, reason[:500], permanent=False) for o in messages)
        return result

    def find_sent(self, call_id: UUID, messages: Sequence[Outgoing], started_at: datetime) -> None:
        return None  # an SMTP server cannot be asked what it took


def _text(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)


def _refused(outgoing: Outgoing, code: int, answer: bytes | str) -> Rejected:
    return Rejected(outgoing.message_id, f"smtp_{code}", _text(answer)[:500], permanent=500 <= code < 600)
