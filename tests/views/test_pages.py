"""The owners' pages (GW-3) over real HTTP to real owners, tickets, notify and surveys apps: every
form refuses bad input in the owner's language (zh-CN first, English when chosen) and changes
nothing; a POST without the session's CSRF token changes nothing; an owner never sees another
household's ticket, photo or notice through the pages (404), nor can rate or mark one.

The owner's session is made as the sign-in makes it (the signed cookie holding their token); the
sign-in by the code seen at the SMS stand-in is the browser test's (tests/browser)."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from gateway import tables as gateway_tables
from gateway.app import create_app as create_gateway_app
from gateway.pages import session as pages_session
from gateway.service import SERVICE as GATEWAY
from notify import tables as notify_tables
from notify.service import SERVICE as NOTIFY
from owners.service import SERVICE as OWNERS
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.envelope import parse
from servicekit.migrate import upgrade
from servicekit.testing import (
    TEST_AUDIENCE,
    TEST_ISSUER,
    app_settings,
    deliver_outbox,
    migrated_database,
    served_app,
    token_headers,
)
from servicekit.tokens import generate_keypair
from servicekit.webapp import create_service_app
from surveys.service import SERVICE as SURVEYS
from tickets import tables as tickets_tables
from tickets.service import SERVICE as TICKETS

SERVICES = {"owners": OWNERS, "tickets": TICKETS, "notify": NOTIFY, "surveys": SURVEYS}
GUESSES = 3  # surveys' unknown links from one address before 429
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x22" * 500


@pytest.fixture(scope="module")
def suite(make_database, tmp_path_factory) -> Iterator[dict]:
    private, public = generate_keypair()
    auth = token_headers(private)
    urls = {name: migrated_database(service, "sqlite", make_database, tmp_path_factory)
            for name, service in SERVICES.items()}
    urls["gateway"] = make_database()
    upgrade(GATEWAY, urls["gateway"])
    engines = {name: make_engine(url) for name, url in urls.items()}
    # surveys behind the door: it believes one proxy's X-Forwarded-For (the gateway's pages name the owner).
    extra = {"tickets": {"attachments_dir": str(tmp_path_factory.mktemp("attachments"))},
             "surveys": {"trusted_proxies": 1, "token_guesses": GUESSES}}
    with ExitStack() as stack:
        served, clients = {}, {}
        for name, service in SERVICES.items():
            verifier = TokenVerifier(public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=service.roles)
            app = create_service_app(service, app_settings(service, urls[name], **extra.get(name, {})), verifier)
            clients[name] = app.test_client()
            served[name] = stack.enter_context(served_app(app)).removeprefix("http://")
        admin = auth()
        owners = clients["owners"]
        estate = owners.post("/api/v1/estates", json={"code": "SUN", "name": "阳光花园"}, headers=admin).json
        building = owners.post(f"/api/v1/estates/{estate['id']}/buildings",
                               json={"code": "1", "name": "1栋", "floors": 30}, headers=admin).json
        people = {}
        for name, number, mobile in (("张伟", "1-101", "13812345678"), ("李娜", "1-102", "13912345678")):
            unit = owners.post(f"/api/v1/buildings/{building['id']}/units", json={"number": number},
                               headers=admin).json
            people[name] = owners.post("/api/v1/people", headers=admin, json={
                "estate_id": estate["id"], "name": name, "contact_points": [{"kind": "mobile", "value": mobile}],
                "occupancy": {"unit_id": unit["id"], "role": "owner", "moved_in_on": "2024-03-01"}}).json
            people[name]["unit"] = unit
        deliver_outbox(engines["owners"], OWNERS, [(engines[n], SERVICES[n]) for n in ("tickets", "notify", "surveys")]
                 + [(engines["gateway"], GATEWAY)])
        technician = uuid.uuid4()
        with engines["tickets"].begin() as db:
            db.execute(insert(tickets_tables.staff).values(id=technician, estate_id=uuid.UUID(estate["id"]),
                                                           name="张师傅", role="technician", skills=["plumbing"],
                                                           active=True, version=1))
            db.execute(insert(tickets_tables.categories).values(id=uuid.uuid4(), estate_id=None, kind="repair",
                                                                code="plumbing", name_zh="水管", name_en="Plumbing",
                                                                skill="plumbing"))
        desk = auth("service_desk_agent", [estate["id"]])
        zhang = people["张伟"]
        ticket = clients["tickets"].post("/api/v1/tickets", headers=desk, json={
            "estate_id": estate["id"], "unit_id": zhang["unit"]["id"], "person_id": zhang["id"], "kind": "repair",
            "category": "plumbing", "title": "卫生间水管漏水"}).json
        for step, body in (("acknowledge", {}), ("dispatch", {"staff_id": str(technician)}), ("arrive", {}),
                           ("resolve", {"resolution": "已更换阀门"}), ("inform-owner", {"how": "app"})):
            answer = clients["tickets"].post(f"/api/v1/tickets/{ticket['id']}/{step}", headers=desk, json=body)
            assert answer.status_code == 200, answer.json
        now = datetime.now(UTC)
        message_id = uuid.uuid4()
        with engines["notify"].begin() as db:
            db.execute(insert(notify_tables.messages).values(
                id=message_id, estate_id=uuid.UUID(estate["id"]), person_id=uuid.UUID(zhang["id"]), channel="in_app",
                language="zh-CN", subject="停水通知", body="12月8日9:00-12:00 1栋停水检修。", params={},
                state="delivered", next_attempt_at=now, queued_at=now, delivered_at=now, updated_at=now))
        settings = app_settings(GATEWAY, urls["gateway"], environment="development",
                             edge_upstreams=",".join(f"{n}={a}" for n, a in served.items()))
        verifier = TokenVerifier(public, issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=GATEWAY.roles)
        gateway_app = create_gateway_app(settings, verifier)

        def client(person: str | None = None, language: str | None = None,  # noqa: ANN202
                   address: str = "127.0.0.1"):
            """A browser of the pages, at ``address``; signed in as ``person`` (a name) when given."""
            browser = gateway_app.test_client()
            browser.environ_base["REMOTE_ADDR"] = address
            if language:
                browser.set_cookie(pages_session.LANGUAGE_COOKIE, language)
            if person:
                token = auth("owner", [estate["id"]], subject=people[person]["id"])["Authorization"].split()[1]
                kept = {"csrf": uuid.uuid4().hex, "access": token, "refresh": "unused", "person": people[person]["id"],
                        "estates": [estate["id"]], "until": int(time.time()) + 900, "estate_name": "阳光花园"}
                signer = pages_session.serializer(settings.keys_passphrase)
                browser.set_cookie(pages_session.COOKIE, signer.dumps(kept))
            return browser

        yield {"client": client, "auth": auth, "estate": estate, "people": people, "ticket": ticket,
               "message_id": message_id, "engines": engines, "tickets": clients["tickets"], "desk": desk,
               "surveys": clients["surveys"]}
    for engine in engines.values():
        engine.dispose()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def _count(engine, table) -> int:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def _text(answer) -> str:  # noqa: ANN001
    return answer.get_data(as_text=True)


# --- refusals in the owner's language, and nothing changed -----------------------------------------

@pytest.mark.parametrize(("language", "said"), [(None, "请输入有效的 11 位手机号码。"),
                                                ("en", "Enter a valid 11-digit mobile number.")])
def test_a_bad_mobile_is_refused_in_the_owners_language_and_no_code_is_made(suite, language, said) -> None:
    browser = suite["client"](language=language)
    form = browser.get("/my/sign-in")
    assert form.status_code == 200 and 'lang="' + (language or "zh-CN") + '"' in _text(form)
    before = _count(suite["engines"]["gateway"], gateway_tables.login_codes)
    answer = browser.post("/my/sign-in/code", data={"csrf": _csrf(_text(form)), "mobile": "12345"})
    assert answer.status_code == 422
    assert said in _text(answer)
    assert _count(suite["engines"]["gateway"], gateway_tables.login_codes) == before


def _report(suite, browser, **fields: Any):  # noqa: ANN001, ANN202
    form = browser.get("/my/report")
    assert form.status_code == 200, _text(form)
    data = {"csrf": _csrf(_text(form)), "unit": suite["people"]["张伟"]["unit"]["id"], "kind": "repair",
            "category": "plumbing", "title": "厨房水管漏水", "description": "水一直在滴", **fields}
    return browser.post("/my/report", data={k: v for k, v in data.items() if v is not None},
                        content_type="multipart/form-data")


@pytest.mark.parametrize(("fields", "language", "said"), [
    ({"unit": ""}, None, "请选择您居住的房屋。"),
    ({"unit": None, "title": ""}, "en", "Choose the unit you live in."),
    ({"title": ""}, None, "请用 1 到 200 个字说明问题。"),
    ({"category": ""}, "en", "Choose what needs repair."),
    ({"kind": "complaint", "category": ""}, None, "请选择投诉类别。"),
    ({"photo": (b"<?php echo 1;", "leak.jpg")}, None, "照片须为 JPEG、PNG、WebP 或 HEIC 格式"),
    ({"photo": (b"not an image", "leak.jpg")}, "en", "The photo must be a JPEG, PNG, WebP or HEIC file"),
    ({"unit": str(uuid.uuid4())}, None, "请选择您居住的房屋。"),  # not a unit they live in
])
def test_a_bad_report_is_refused_beside_its_field_and_opens_no_ticket(suite, fields, language, said) -> None:
    if "photo" in fields:
        data, name = fields["photo"]
        import io
        fields = {**fields, "photo": (io.BytesIO(data), name)}
    before = _count(suite["engines"]["tickets"], tickets_tables.tickets)
    answer = _report(suite, suite["client"]("张伟", language), **fields)
    assert answer.status_code == 422, _text(answer)
    assert said in _text(answer)
    assert _count(suite["engines"]["tickets"], tickets_tables.tickets) == before


def test_a_report_with_a_photo_opens_the_ticket_and_shows_it(suite) -> None:
    import io
    browser = suite["client"]("张伟")
    answer = _report(suite, browser, photo=(io.BytesIO(PNG), "漏水.png"))
    assert answer.status_code == 302, _text(answer)
    ticket_id = answer.headers["Location"].split("/my/tickets/", 1)[1].split("?")[0]
    page = browser.get(answer.headers["Location"])
    assert page.status_code == 200
    assert "厨房水管漏水" in _text(page) and "已收到您的报事" in _text(page) and "阳光花园" in _text(page)
    [photo] = re.findall(r'src="(/my/tickets/[^"]+/photos/[^"]+)"', _text(page))
    assert browser.get(photo).data == PNG
    with suite["engines"]["tickets"].connect() as db:
        row = db.execute(select(tickets_tables.tickets).where(tickets_tables.tickets.c.id == uuid.UUID(ticket_id))
                         ).mappings().one()
    assert (row["channel"], str(row["person_id"])) == ("app", suite["people"]["张伟"]["id"])
    assert "厨房水管漏水" in _text(browser.get("/my/"))


def test_a_complaint_opens_a_complaint_ticket_of_its_class(suite) -> None:
    browser = suite["client"]("张伟")
    answer = _report(suite, browser, kind="complaint", category=None, complaint_class="fees",
                     title="物业费账单有误", description="12月的账单多收了一个月")
    assert answer.status_code == 302, _text(answer)
    ticket_id = answer.headers["Location"].split("/my/tickets/", 1)[1].split("?")[0]
    page = browser.get(answer.headers["Location"])
    assert page.status_code == 200 and "物业费账单有误" in _text(page) and "已收到您的报事" in _text(page)
    with suite["engines"]["tickets"].connect() as db:
        row = db.execute(select(tickets_tables.tickets).where(tickets_tables.tickets.c.id == uuid.UUID(ticket_id))
                         ).mappings().one()
    assert (row["kind"], row["complaint_class"], row["channel"]) == ("complaint", "fees", "app")
    assert str(row["person_id"]) == suite["people"]["张伟"]["id"]


@pytest.mark.parametrize(("score", "language", "said"), [("7", None, "请选择 1 到 5 分。"),
                                                         ("", "en", "Choose a score from 1 to 5.")])
def test_a_bad_rating_is_refused_and_the_ticket_stays_unrated(suite, score, language, said) -> None:
    browser = suite["client"]("张伟", language)
    url = f"/my/tickets/{suite['ticket']['id']}"
    page = browser.get(url)
    assert page.status_code == 200 and "evaluation" in _text(page)
    answer = browser.post(f"{url}/evaluation", data={"csrf": _csrf(_text(page)), "score": score})
    assert answer.status_code == 422 and said in _text(answer)
    report = suite["tickets"].get(f"/api/v1/tickets/{suite['ticket']['id']}/report", headers=suite["desk"]).json
    assert report["evaluation"] is None and report["stage"] == "owner_informed"


# --- CSRF ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "forged"])
def test_a_post_without_the_sessions_csrf_token_changes_nothing(suite, token) -> None:
    import io
    browser = suite["client"]("张伟")
    sent = {} if token is None else {"csrf": token}
    tickets_before = _count(suite["engines"]["tickets"], tickets_tables.tickets)
    codes_before = _count(suite["engines"]["gateway"], gateway_tables.login_codes)
    answers = [
        browser.post("/my/report", content_type="multipart/form-data", data={
            **sent, "unit": suite["people"]["张伟"]["unit"]["id"], "kind": "repair", "category": "plumbing",
            "title": "漏水", "photo": (io.BytesIO(PNG), "p.png")}),
        browser.post(f"/my/tickets/{suite['ticket']['id']}/evaluation", data={**sent, "score": "5"}),
        browser.post(f"/my/notices/{suite['message_id']}/read", data=sent),
        browser.post("/my/sign-in/code", data={**sent, "mobile": "13812345678"}),
        browser.post("/my/sign-out", data=sent),
    ]
    assert [a.status_code for a in answers] == [400] * len(answers)
    assert "页面已过期" in _text(answers[0])
    assert _count(suite["engines"]["tickets"], tickets_tables.tickets) == tickets_before
    assert _count(suite["engines"]["gateway"], gateway_tables.login_codes) == codes_before
    report = suite["tickets"].get(f"/api/v1/tickets/{suite['ticket']['id']}/report", headers=suite["desk"]).json
    assert report["evaluation"] is None
    with suite["engines"]["notify"].connect() as db:
        state = db.execute(select(notify_tables.messages.c.state)
                           .where(notify_tables.messages.c.id == suite["message_id"])).scalar_one()
    assert state == "delivered"
    assert browser.get("/my/").status_code == 200  # still signed in: the sign-out was refused too


# --- another household: never seen (404) -----------------------------------------------------------

def test_another_household_never_sees_a_ticket_photo_or_notice_of_theirs(suite) -> None:
    neighbour = suite["client"]("李娜")
    ticket = suite["ticket"]["id"]
    home = neighbour.get("/my/")
    assert home.status_code == 200 and "卫生间水管漏水" not in _text(home)
    assert neighbour.get(f"/my/tickets/{ticket}").status_code == 404
    attached = suite["tickets"].post(f"/api/v1/tickets/{ticket}/attachments", headers=suite["desk"],
                                     data={"file": (__import__("io").BytesIO(PNG), "p.png")},
                                     content_type="multipart/form-data").json
    assert neighbour.get(f"/my/tickets/{ticket}/photos/{attached['id']}").status_code == 404
    csrf = _csrf(_text(home))
    rated = neighbour.post(f"/my/tickets/{ticket}/evaluation", data={"csrf": csrf, "score": "1"})
    assert rated.status_code == 404 and "没有找到" in _text(rated)
    notices = neighbour.get("/my/notices")
    assert notices.status_code == 200 and "停水通知" not in _text(notices)
    assert neighbour.post(f"/my/notices/{suite['message_id']}/read", data={"csrf": csrf}).status_code == 404
    with suite["engines"]["notify"].connect() as db:
        state = db.execute(select(notify_tables.messages.c.state)
                           .where(notify_tables.messages.c.id == suite["message_id"])).scalar_one()
    assert state == "delivered"
    report = suite["tickets"].get(f"/api/v1/tickets/{ticket}/report", headers=suite["desk"]).json
    assert report["evaluation"] is None


def test_an_owner_reads_and_marks_their_notice_and_sees_their_commitments(suite) -> None:
    browser = suite["client"]("张伟")
    page = browser.get("/my/notices")
    assert "停水通知" in _text(page) and "未读" in _text(page)
    answer = browser.post(f"/my/notices/{suite['message_id']}/read", data={"csrf": _csrf(_text(page))})
    assert answer.status_code == 302
    assert "未读" not in _text(browser.get("/my/notices"))
    commitments = browser.get("/my/commitments")
    assert commitments.status_code == 200 and "服务时限" in _text(commitments) and "30 分钟" in _text(commitments)
    english = suite["client"]("张伟", "en").get("/my/commitments")
    assert "How quickly we respond" in _text(english)


def test_pages_need_a_session_and_an_unknown_survey_link_is_a_page_not_an_error(suite) -> None:
    browser = suite["client"]()
    assert browser.get("/my/").headers["Location"].endswith("/my/sign-in")
    assert browser.get(f"/my/tickets/{suite['ticket']['id']}").status_code == 302
    unknown = browser.get("/survey/not-a-real-token")
    assert unknown.status_code == 404 and "没有找到" in _text(unknown)
    assert browser.get("/my/static/site.css").status_code == 200


def test_an_owner_rates_their_ticket_once_told_the_result(suite) -> None:
    browser = suite["client"]("张伟")
    url = f"/my/tickets/{suite['ticket']['id']}"
    page = browser.get(url)
    answer = browser.post(f"{url}/evaluation", data={"csrf": _csrf(_text(page)), "score": "5", "comment": "师傅很专业"})
    assert answer.status_code == 302
    shown = _text(browser.get(answer.headers["Location"]))
    assert "感谢您的评价" in shown and "★★★★★" in shown and "评价本次服务" not in shown
    report = suite["tickets"].get(f"/api/v1/tickets/{suite['ticket']['id']}/report", headers=suite["desk"]).json
    assert report["evaluation"] == {"score": 5, "comment": "师傅很专业", "channel": "owner"}


@pytest.mark.parametrize(("proto", "secure"), [(None, False), ("https", True)])
def test_the_session_cookie_is_httponly_lax_and_secure_behind_https(suite, proto, secure) -> None:
    headers = {"X-Forwarded-Proto": proto} if proto else {}
    answer = suite["client"]().get("/my/sign-in", headers=headers)
    [cookie] = [c for c in answer.headers.getlist("Set-Cookie") if c.startswith(pages_session.COOKIE + "=")]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and ("Secure" in cookie) is secure


def test_signing_out_ends_the_session(suite) -> None:
    browser = suite["client"]("李娜")
    home = browser.get("/my/")
    answer = browser.post("/my/sign-out", data={"csrf": _csrf(_text(home))})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/my/sign-in")
    assert browser.get("/my/").headers["Location"].endswith("/my/sign-in")


# --- each visitor's own address reaches the services ------------------------------------------------

def test_one_address_guessing_survey_links_leaves_another_owner_able_to_answer(suite) -> None:
    manager = suite["auth"]("estate_manager", [suite["estate"]["id"]])
    opened = suite["surveys"].post("/api/v1/waves", headers=manager, json={
        "estate_id": suite["estate"]["id"], "period": "2026-Q4", "opens_on": "2026-10-08"})
    assert opened.status_code == 201, opened.json
    table = SURVEYS.outbox.table
    with suite["engines"]["surveys"].connect() as db:
        events = [parse(row.body) for row in db.execute(select(table).order_by(table.c.seq))]
    link = next(e.data["link"] for e in events if e.type == "surveys.invitation.sent.v1")
    token = link.rsplit("/", 1)[1]
    prober = suite["client"](address="198.51.100.7")
    guesses = [prober.get(f"/survey/guess{n:04d}").status_code for n in range(GUESSES + 1)]
    assert guesses == [404] * GUESSES + [429]
    owner = suite["client"](address="203.0.113.9")
    form = owner.get(f"/survey/{token}")
    assert form.status_code == 200, _text(form)
    scores = {f"q.{code}.score": "4" for code in re.findall(r'name="q\.([^.]+)\.score"', _text(form))}
    answer = owner.post(f"/survey/{token}", data={"csrf": _csrf(_text(form)), "action": "submit", **scores})
    assert answer.status_code == 200 and "感谢" in _text(answer), _text(answer)
    assert prober.get("/survey/guess9999").status_code == 429  # the prober's own address is still held back
