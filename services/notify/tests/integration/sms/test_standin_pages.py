"""The stand-ins' pages list everything they received, a page at a time (issue 15: they showed the
last 500 SMS and the last 200 e-mails, so after the demo's fee notice the first were out of sight)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import httpx

from notify.standins.smtp_server import SmtpStandin


def test_the_sms_page_pages_through_everything_and_names_its_json(standin, aliyun, sms, numbers) -> None:
    sent = numbers(450)
    [call] = aliyun.plan([sms(n, month="3月", amount="120.00") for n in sent])
    aliyun.send("00000000-0000-0000-0000-000000000001", call)
    first = httpx.get(f"{standin.url}/").text
    assert "of 共 450" in first and "page 1/3" in first and "/_standin/messages" in first
    assert sent[-1] in first and sent[0] not in first  # newest first
    last = httpx.get(f"{standin.url}/?page=3").text
    assert "showing 显示 401–450" in last and sent[0] in last and 'http-equiv="refresh"' not in last
    assert len(httpx.get(f"{standin.url}/_standin/messages").json()["messages"]) == 450


def test_the_e_mail_page_pages_through_everything_and_names_its_json() -> None:
    with SmtpStandin(port=0, http_port=0) as standin, smtplib.SMTP(standin.host, standin.port) as smtp:
        for n in range(250):
            mail = EmailMessage()
            mail["From"], mail["To"], mail["Subject"] = "desk@example.com", f"p{n}@example.com", f"notice {n}"
            mail.set_content("hello")
            smtp.send_message(mail)
        page = f"http://{standin.host}:{standin.http_port}/"
        first = httpx.get(page).text
        assert "of 共 250" in first and "notice 249" in first and "/messages" in first
        older = httpx.get(page + "?page=2").text
        assert "notice 0<" in older and "notice 249" not in older
        assert httpx.get(page + "messages").json()["count"] == 250
