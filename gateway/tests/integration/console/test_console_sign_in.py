"""The staff console's frame: signing in with a staff account (refusals in the staff member's
language, changing nothing), the session kept server-side with its tokens sealed by the cookie's key,
CSRF on every form, a session that ends keeping a half-filled form, and signing out ending the session
and its refresh tokens."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from cryptography.fernet import Fernet
from sqlalchemy import func, select

from gateway.console import frame
from gateway.pages import session as cookies
from gateway.tables import console_sessions, refresh_tokens
from servicekit.webapp import current_settings

from ..conftest import PASSWORD


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def _sign_in(client, login: str, password: str = PASSWORD, **extra):
    form = client.get("/console/sign-in")
    return client.post("/console/sign-in", data={"csrf": _csrf(form.text), "login": login, "password": password,
                                                 **extra})


def _sessions(db) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(console_sessions)).scalar_one()


def test_a_page_asks_to_sign_in_and_comes_back(client) -> None:
    answer = client.get("/console/?x=1")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/console/sign-in?next=/console/?x=1"


def test_a_desk_agent_signs_in_and_out(client, make_account, db) -> None:
    account = make_account("service_desk_agent")
    answer = _sign_in(client, account["login"], next="/console/")
    assert answer.status_code == 302 and answer.headers["Location"] == "/console/"
    first = client.get("/console/")  # a desk role's first page is the queue
    assert first.status_code == 302 and first.headers["Location"] == "/console/queue"
    home = client.get("/console/queue")  # no service runs here: the frame says so, signed in
    assert home.status_code == 503
    assert "测试员工" in home.text and "客服专员" in home.text
    assert home.headers["Content-Security-Policy"].startswith("default-src 'self'")
    cookie = client.get_cookie(frame.COOKIE)
    assert cookie is not None and cookie.same_site == "Strict" and cookie.http_only
    assert account["tokens"]["access_token"][:20] not in cookie.value  # no token in the cookie
    assert _sessions(db) == 1

    out = client.post("/console/sign-out", data={"csrf": _csrf(home.text)})
    assert out.status_code == 302 and out.headers["Location"] == "/console/sign-in"
    assert _sessions(db) == 0
    with db.connect() as conn:  # the session's refresh tokens are revoked
        live = conn.execute(select(func.count()).select_from(refresh_tokens).where(
            refresh_tokens.c.revoked_at.is_(None), refresh_tokens.c.used_at.is_(None))).scalar_one()
    assert live == 1  # only the one make_account's own sign-in left
    assert client.get("/console/").headers["Location"].startswith("/console/sign-in")


def test_a_wrong_password_is_refused_in_the_staff_members_language(client, make_account, db) -> None:
    account = make_account("service_desk_agent")
    refused = _sign_in(client, account["login"], "not-the-password")
    assert refused.status_code == 401
    assert "登录名或密码错误" in refused.text
    client.get("/console/language/en?next=/console/sign-in")
    refused = _sign_in(client, account["login"], "not-the-password")
    assert "wrong login or password" in refused.text
    empty = _sign_in(client, "", "")
    assert empty.status_code == 422 and "Enter your login." in empty.text
    assert _sessions(db) == 0


def test_a_form_without_the_sessions_csrf_token_changes_nothing(client, make_account, db) -> None:
    account = make_account("service_desk_agent")
    _sign_in(client, account["login"])
    refused = client.post("/console/sign-out", data={"csrf": "forged"})
    assert refused.status_code == 400
    assert "本次提交未做任何更改" in refused.text
    assert _sessions(db) == 1
    assert client.get("/console/").headers["Location"] == "/console/queue"  # still signed in


def test_a_session_that_ended_keeps_a_half_filled_form(client, make_account, db) -> None:
    account = make_account("service_desk_agent")
    _sign_in(client, account["login"])
    with db.begin() as conn:  # the session ends (its refresh token's life is over)
        conn.execute(console_sessions.delete())
    kept = client.post("/console/sign-out", data={"csrf": "whatever", "title": "3栋电梯异响",
                                                  "channels": ["sms", "email"]})
    assert kept.status_code == 401
    assert 'name="kept.title" value="3栋电梯异响"' in kept.text
    assert 'name="kept.channels" value="sms"' in kept.text and 'name="kept.channels" value="email"' in kept.text
    assert 'name="next" value="/console/sign-out"' in kept.text
    resumed = client.post("/console/sign-in", data={
        "csrf": _csrf(kept.text), "login": account["login"], "password": PASSWORD, "next": "/console/sign-out",
        "kept.title": "3栋电梯异响", "kept.channels": ["sms", "email"]})
    assert resumed.status_code == 200
    assert 'action="/console/sign-out"' in resumed.text
    assert 'name="title" value="3栋电梯异响"' in resumed.text
    assert 'name="channels" value="sms"' in resumed.text and 'name="channels" value="email"' in resumed.text
    assert _sessions(db) == 1


def test_a_cookie_whose_key_does_not_open_the_session_is_no_session(client, make_account, app) -> None:
    account = make_account("service_desk_agent")
    _sign_in(client, account["login"])
    with app.app_context():
        signer = cookies.serializer(current_settings().keys_passphrase, purpose="staff console",
                                    salt="staff-console")
    kept = signer.loads(client.get_cookie(frame.COOKIE).value)
    kept["key"] = "A" * 43 + "="
    client.set_cookie(frame.COOKIE, signer.dumps(kept))
    assert client.get("/console/").headers["Location"].startswith("/console/sign-in")


def test_next_never_leaves_the_console(client, make_account) -> None:
    account = make_account("service_desk_agent")
    answer = _sign_in(client, account["login"], next="https://elsewhere.example/")
    assert answer.headers["Location"] == "/console/"
    answer = client.get("/console/language/en?next=//elsewhere.example/")
    assert answer.headers["Location"] == "/console/"


def _cookie_session(client, app) -> dict:
    with app.app_context():
        signer = cookies.serializer(current_settings().keys_passphrase, purpose="staff console",
                                    salt="staff-console")
    return signer.loads(client.get_cookie(frame.COOKIE).value)


def test_an_access_token_about_to_run_out_is_refreshed_on_the_next_page(client, make_account, app, db) -> None:
    account = make_account("service_desk_agent")
    _sign_in(client, account["login"])
    kept = _cookie_session(client, app)
    fernet = Fernet(kept["key"].encode())
    with db.begin() as conn:
        sealed = conn.execute(select(console_sessions.c.sealed)).scalar_one()
        tokens = json.loads(fernet.decrypt(sealed.encode()))
        conn.execute(console_sessions.update().values(
            sealed=fernet.encrypt(json.dumps({**tokens, "until": 0}).encode()).decode()))
    assert client.get("/console/").headers["Location"] == "/console/queue"  # signed in still
    with db.connect() as conn:
        renewed = json.loads(fernet.decrypt(conn.execute(select(console_sessions.c.sealed)).scalar_one().encode()))
    assert renewed["refresh"] != tokens["refresh"]  # the refresh token was used and replaced
    assert renewed["until"] > 0


def test_a_sign_in_sweeps_the_sessions_that_ended(client, make_account, db) -> None:
    account = make_account("service_desk_agent")
    _sign_in(client, account["login"])
    with db.begin() as conn:
        conn.execute(console_sessions.update().values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    _sign_in(client, account["login"])
    assert _sessions(db) == 1
