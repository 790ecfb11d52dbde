"""E-mail over a real SMTP conversation with the aiosmtpd stand-in: STARTTLS and AUTH, encoded
zh-CN and English subjects, a stable Message-ID, a refused recipient, a failing server."""

from __future__ import annotations

import dataclasses
import uuid

from notify.providers.base import Outgoing
from notify.providers.smtp import SmtpEmail
from notify.sending.worker import Sender
from notify.standins.smtp_server import SmtpStandin


def outgoing(to: str, subject: str = "停水通知", language: str = "zh-CN") -> Outgoing:
    return Outgoing(uuid.uuid4(), to, language, subject, "明天 9:00–12:00 停水，请提前储水。")


def test_starttls_auth_and_a_refused_recipient(settings) -> None:
    with SmtpStandin(port=0, username="desk", password="s3cret", starttls=True,
                     refused=["gone@example.com"]) as standin:
        config = dataclasses.replace(settings, smtp_port=standin.port, smtp_starttls=True, smtp_username="desk",
                                     smtp_password="s3cret")
        adapter = SmtpEmail(config, tls_context=standin.tls_context())
        messages = [outgoing("a@example.com"), outgoing("gone@example.com"),
                    outgoing("b@example.com", "Water cut tomorrow", "en")]
        result = adapter.send(uuid.uuid4(), messages)
    assert result.delivered_on_send and set(result.accepted) == {messages[0].message_id, messages[2].message_id}
    [refused] = result.rejected
    assert (refused.message_id, refused.code, refused.permanent) == (messages[1].message_id, "smtp_550", True)
    got = {r.to[0]: r for r in standin.received}
    assert set(got) == {"a@example.com", "b@example.com"}
    assert (got["a@example.com"].subject, got["b@example.com"].subject) == ("停水通知", "Water cut tomorrow")
    assert got["a@example.com"].body.strip() == "明天 9:00–12:00 停水，请提前储水。"
    assert got["a@example.com"].message_id == f"<{messages[0].message_id}@estatedesk>"
    assert result.accepted[messages[0].message_id] == got["a@example.com"].message_id


def test_a_wrong_password_or_a_server_refusing_sessions_is_a_temporary_failure(settings) -> None:
    with SmtpStandin(port=0, username="desk", password="s3cret") as standin:
        wrong = dataclasses.replace(settings, smtp_port=standin.port, smtp_username="desk", smtp_password="nope")
        result = SmtpEmail(wrong).send(uuid.uuid4(), [outgoing("a@example.com")])
        assert [(r.code, r.permanent) for r in result.rejected] == [("smtp_unavailable", False)]
    with SmtpStandin(port=0) as standin:
        standin.fail_next_sessions(1)
        config = dataclasses.replace(settings, smtp_port=standin.port)
        first = SmtpEmail(config).send(uuid.uuid4(), [outgoing("a@example.com"), outgoing("b@example.com")])
        assert [(r.code, r.permanent) for r in first.rejected] == [("smtp_421", False)] * 2
        second = SmtpEmail(config).send(uuid.uuid4(), [outgoing("a@example.com")])
        assert len(second.accepted) == 1 and len(standin.received) == 1


def test_the_sender_delivers_email_and_falls_back_to_in_app_for_a_refused_address(db, settings, clock, kit) -> None:
    from notify.providers.in_app import InApp

    notice = kit.add_notice(db, channels_=("email", "in_app"))
    kit.add_messages(db, notice, 60, channel="email",
                     email=lambda n: "gone@example.com" if n == 7 else f"owner{n}@example.com")
    with SmtpStandin(port=0, refused=["gone@example.com"]) as standin:
        config = dataclasses.replace(settings, smtp_port=standin.port)
        worker = Sender(db, config, {"email": SmtpEmail(config), "in_app": InApp()}, clock=clock)
        worker.round()
    rows = kit.states_of(db, notice["id"])
    assert sorted(r.to[0] for r in standin.received) == sorted(f"owner{n}@example.com" for n in range(60) if n != 7)
    by_state = {(r["channel"], r["state"]) for r in rows}
    assert by_state == {("email", "delivered"), ("email", "failed"), ("in_app", "delivered")}
    assert sum(r["channel"] == "in_app" for r in rows) == 1
