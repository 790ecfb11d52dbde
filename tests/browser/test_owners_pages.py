"""An owner's whole story on the owners' pages (GW-3), in a real headless Chromium (Debian's, driven by
Playwright) at phone size, through the real front door (nginx) with every process of the suite
running on the real PostgreSQL and RabbitMQ: each service's web (gunicorn), relay and consumer, the
timers, notify's sender and the SMS stand-in.

The owner signs in with the code seen at the SMS stand-in, reports a leaking pipe with a photo, sees
it dispatched (the desk dispatches over the API), gets the SMS when it is resolved, rates it, and
answers the survey from the link in the invitation's SMS. Every page is saved as a screenshot at
390x844 in ``OWNERS_PAGES_SCREENSHOTS`` (default var/screenshots/owners-pages/); README shows the best
of them from docs/screenshots/."""

from __future__ import annotations

import json
import os
import struct
import sys
import zlib
from pathlib import Path
from typing import Any

import pytest

from servicekit.testing import call_json, expect_ok, wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
MOBILE = "13812340088"
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("OWNERS_PAGES_SCREENSHOTS", ROOT / "var" / "screenshots" / "owners-pages"))


def _photo(width: int = 480, height: int = 360) -> bytes:
    """A real PNG (a wet patch spreading on a tiled kitchen wall), made here: no file to ship."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            grout = x % 60 < 3 or y % 60 < 3
            base = (150, 146, 138) if grout else (236 - y // 12, 230 - y // 12, 218 - y // 12)
            wet = max(0.0, 1 - (((x - 300) / 120) ** 2 + ((y - 120) / 170) ** 2))
            drip = 0.6 if 292 < x < 304 and y > 120 else 0.0
            dark = max(wet, drip)
            row += bytes(int(channel * (1 - 0.45 * dark)) for channel in base)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows))) + chunk(
        b"IEND", b"")


def _estate(suite: dict) -> dict[str, Any]:
    """The estate, its owner and a plumber, made on owners' API through the door; SMS at any hour
    (quiet_start == quiet_end), a plumbing category, a paid service on its catalogue."""
    door, admin = suite["door"], suite["admin"]
    estate = expect_ok(call_json("POST", f"{door}/owners/api/v1/estates", admin, {"code": "SUN", "name": "阳光花园"}))
    building = expect_ok(call_json("POST", f"{door}/owners/api/v1/estates/{estate['id']}/buildings", admin,
                         {"code": "3", "name": "3栋", "floors": 18}))
    unit = expect_ok(call_json("POST", f"{door}/owners/api/v1/buildings/{building['id']}/units", admin,
                               {"number": "3-502"}))
    person = expect_ok(call_json("POST", f"{door}/owners/api/v1/people", admin, {
        "estate_id": estate["id"], "name": "张伟", "preferred_channel": "sms",
        "contact_points": [{"kind": "mobile", "value": MOBILE}],
        "occupancy": {"unit_id": unit["id"], "role": "owner", "moved_in_on": "2023-05-01"}}))
    plumber = expect_ok(call_json("POST", f"{door}/owners/api/v1/staff", admin, {
        "estate_id": estate["id"], "name": "王师傅", "role": "technician", "skills": ["plumbing"]}))
    desk = suite["run"](str(BIN / "servicekit-token"), "issue", "--role", "service_desk_agent",
                        "--estate", estate["id"]).strip()

    def copied() -> bool:
        """Every consumer has applied the estate's events: the gateway knows the owner's mobile (the
        sign-in), tickets the plumber and where the owner lives, notify the estate (its settings)."""
        found = {name: _count(suite["databases"][name], table, column, value) for name, table, column, value in (
            ("gateway", "people", "id", person["id"]), ("tickets", "staff", "id", plumber["id"]),
            ("tickets", "occupancies", "person_id", person["id"]), ("notify", "people", "id", person["id"]))}
        return all(found.values())

    wait_for(copied, "the services' copies of the estate")
    expect_ok(call_json("PUT", f"{door}/notify/api/v1/estates/{estate['id']}/sending-settings", admin, {
        "timezone": "Asia/Shanghai", "quiet_start": "00:00", "quiet_end": "00:00", "sms_sign_name": "阳光物业"}))
    expect_ok(call_json("POST", f"{door}/tickets/api/v1/categories", admin, {
        "kind": "repair", "code": "plumbing", "name_zh": "水管漏水", "name_en": "Plumbing", "skill": "plumbing"}))
    for code, zh, en, price, unit_name in (("drain", "管道疏通", "Drain unblocking", "80.00", "次"),
                                           ("tap", "更换水龙头（不含材料）", "Tap replaced (labour)", "30.00", "个"),
                                           ("aircon", "空调清洗", "Air conditioner cleaning", "120.00", "台")):
        expect_ok(call_json("POST", f"{door}/tickets/api/v1/catalogue/items", admin, {
            "estate_id": estate["id"], "code": code, "kind": "paid", "category": "plumbing", "name_zh": zh,
            "name_en": en, "unit": unit_name, "price": price, "cost": "20.00"}))
    return {"estate": estate, "unit": unit, "person": person, "plumber": plumber, "desk": desk}


def _count(url: str, table: str, column: str, value: str) -> int:
    from sqlalchemy import text

    from servicekit.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table} WHERE {column} = :v"), {"v": value}).scalar())
    finally:
        engine.dispose()


def _sms(suite: dict, template: str) -> dict[str, Any] | None:
    status, found = call_json("GET", f"{suite['sms']}/_standin/messages")
    if status != 200:
        return None
    return next((m for m in reversed(found["messages"])
                 if m["template_code"] == template and m["number"].endswith(MOBILE)), None)


def _shot(page: Any, name: str, *, end: bool = False) -> None:
    """The phone's screen as the owner sees it (the tab bar at its foot); ``end``: and scrolled to the end."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    if end:
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.screenshot(path=str(SHOTS / f"{name}-end.png"))


def test_an_owner_reports_follows_rates_and_answers_on_a_phone(suite) -> None:
    from playwright.sync_api import expect, sync_playwright  # the browser tests' own dependency

    world = _estate(suite)
    door, desk = suite["door"], world["desk"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN", is_mobile=True,
                                      has_touch=True)
        context.set_default_timeout(60_000)  # a loaded machine: the services answer in seconds, not ms
        expect.set_options(timeout=60_000)
        page = context.new_page()

        # Sign in with the code the SMS stand-in received.
        page.goto(f"{door}/my/")
        expect(page.locator("h1")).to_have_text("登录")
        page.fill("#mobile", "1381234")
        page.click("button[type=submit]")
        expect(page.locator(".error")).to_contain_text("请输入有效的 11 位手机号码")
        _shot(page, "01-sign-in-refused")
        page.fill("#mobile", MOBILE)
        page.click("button[type=submit]")
        expect(page.locator("#code")).to_be_visible()
        wait_for(lambda: _login_sms(suite) is not None, "the one-time code at the SMS stand-in")
        code = _login_sms(suite)["params"]["code"]
        _shot(page, "02-sign-in-code")
        page.fill("#code", code)
        page.click("button[type=submit]")
        expect(page.locator("header .estate")).to_have_text("阳光花园")
        _shot(page, "03-my-requests-empty")

        # Report a leaking pipe with a photo.
        page.click("a.button.wide")
        expect(page.locator("h1")).to_have_text("我要报事")
        page.select_option("#category", "plumbing")
        page.fill("#title", "厨房水管漏水")
        page.fill("#description", "水槽下面的水管接头一直在滴水，地上已经积水。")
        photo = suite["var"] / "leak.png"
        photo.write_bytes(_photo())
        page.set_input_files("#photo", str(photo))
        _shot(page, "04-report", end=True)
        page.click("button[type=submit]")
        expect(page.locator(".card.ok")).to_contain_text("已收到您的报事")
        expect(page.locator(".photos img")).to_have_count(1)
        ticket_id = page.url.split("/my/tickets/", 1)[1].split("?")[0]
        _shot(page, "05-ticket-received", end=True)

        # The desk takes it on and dispatches the plumber; the owner sees it dispatched.
        tickets = f"{door}/tickets/api/v1/tickets/{ticket_id}"
        expect_ok(call_json("POST", f"{tickets}/acknowledge", desk, {}))
        expect_ok(call_json("POST", f"{tickets}/dispatch", desk, {"staff_id": world["plumber"]["id"]}))
        page.goto(f"{door}/my/tickets/{ticket_id}")
        expect(page.locator(".track li.current .name")).to_have_text("已派工")
        _shot(page, "06-ticket-dispatched")

        # On site, resolved: the owner gets the SMS; the desk tells them the result.
        expect_ok(call_json("POST", f"{tickets}/arrive", desk, {}))
        expect_ok(call_json("POST", f"{tickets}/resolve", desk, {"resolution": "已更换水管接头并清理积水"}))
        wait_for(lambda: _sms(suite, "SMS_ED_TICKET_RESOLVED") is not None, "the SMS that it is resolved")
        assert "已更换水管接头" in json.dumps(_sms(suite, "SMS_ED_TICKET_RESOLVED")["params"], ensure_ascii=False)
        expect_ok(call_json("POST", f"{tickets}/inform-owner", desk, {"how": "message"}))

        # The owner rates it: a refusal first, then five stars.
        page.goto(f"{door}/my/tickets/{ticket_id}")
        expect(page.locator("h2", has_text="评价本次服务")).to_be_visible()
        page.click("form[action$=evaluation] button[type=submit]")
        expect(page.locator(".error")).to_contain_text("请选择 1 到 5 分")
        page.click("label.score:has-text('5')")
        page.fill("#comment", "师傅来得很快，处理得很干净。")
        _shot(page, "07-rate", end=True)
        page.click("form[action$=evaluation] button[type=submit]")
        expect(page.locator(".card.ok")).to_contain_text("感谢您的评价")
        expect(page.locator(".stars")).to_have_text("★★★★★")
        _shot(page, "08-ticket-rated")
        report = expect_ok(call_json("GET", f"{tickets}/report", desk))
        assert report["evaluation"]["score"] == 5 and report["evaluation"]["channel"] == "owner"

        # A notice in the inbox, marked read; the estate's commitments; the English switch.
        expect_ok(call_json("POST", f"{door}/notify/api/v1/messages", desk, {
            "to": {"person_id": world["person"]["id"]}, "channels": ["in_app"], "subject": "停水通知",
            "text": "因管道检修，12月8日 9:00-12:00 3栋停水，请提前储水。给您带来不便，敬请谅解。"}), 200, 201, 202)
        page.click("nav.tabs a[href='/my/notices']")

        def notice_shown() -> bool:
            page.reload()
            return page.locator(".notice.unread").count() > 0

        wait_for(notice_shown, "the notice in the inbox", interval=0.5)
        _shot(page, "09-notices")
        page.click(".notice.unread form button")
        expect(page.locator(".notice.unread")).to_have_count(0)
        page.click("nav.tabs a[href='/my/commitments']")
        expect(page.locator(".levels")).to_be_visible()
        _shot(page, "10-commitments", end=True)
        page.click("header a.lang")
        expect(page.locator("h1")).to_have_text("Our commitments")
        _shot(page, "11-commitments-en")
        page.click("header a.lang")

        # A narrow phone (360 px): no page is wider than the screen, in either language.
        page.set_viewport_size({"width": 360, "height": 740})
        for language in ("en", "zh-CN"):
            page.goto(f"{door}/my/language/{language}?next=/my/")
            for path in ("/my/", "/my/report", f"/my/tickets/{ticket_id}", "/my/notices", "/my/commitments"):
                page.goto(f"{door}{path}")
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 360, f"{path} in {language} is {width} px wide on a 360 px screen"
        page.set_viewport_size(PHONE)
        page.click("nav.tabs a[href='/my/']")
        expect(page.locator(".row .stage")).to_have_text("已回访评价")
        _shot(page, "12-my-requests")

        # The quarter's survey: the estate's wave asks the household; the owner answers from the link in
        # the invitation's SMS in a fresh browser (no sign-in): part saved, resumed, refused while
        # incomplete, then submitted, once. (The question after the ticket was withdrawn: it is rated.)
        manager = suite["run"](str(BIN / "servicekit-token"), "issue", "--role", "estate_manager",
                               "--estate", world["estate"]["id"]).strip()
        expect_ok(call_json("POST", f"{door}/surveys/api/v1/waves", manager,
                  {"estate_id": world["estate"]["id"], "period": "2026-Q4", "percent": 100}))
        wait_for(lambda: _wave_link(suite) is not None, "the wave's invitation SMS with its link")
        link = _wave_link(suite)
        assert link.startswith(f"{door}/survey/"), link
        stranger = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="zh-CN", is_mobile=True,
                                       has_touch=True).new_page()
        stranger.goto(link)
        expect(stranger.locator("h1")).to_contain_text("满意度调查")
        questions = stranger.locator("fieldset.question")
        for index in range(3):
            questions.nth(index).locator("label.score", has_text="5").click()
        stranger.click("button[value=save]")
        expect(stranger.locator(".card.ok")).to_contain_text("已保存")
        stranger.goto(link)
        expect(questions.nth(2).locator("input[value='5']")).to_be_checked()
        stranger.click("button[value=submit]")
        expect(stranger.locator("p.card.error")).to_be_visible()
        expect(stranger.locator("fieldset.question.bad")).to_have_count(7)  # six elements and the overall score
        _shot(stranger, "13-survey-refused", end=True)
        for index in range(3, 10):
            questions.nth(index).locator("label.score", has_text="4" if index % 2 else "5").click()
        stranger.fill("textarea", "小区环境越来越好，感谢物业！")
        _shot(stranger, "14-survey", end=True)
        stranger.click("button[value=submit]")
        expect(stranger.locator(".message")).to_contain_text("感谢您的参与")
        _shot(stranger, "15-survey-thanks")
        stranger.goto(link)
        expect(stranger.locator(".message")).to_contain_text("此邀请已作答")
        browser.close()


def _wave_link(suite: dict) -> str | None:
    """The link of the invitation SMS that asks the quarter's survey (not the question after the ticket)."""
    status, found = call_json("GET", f"{suite['sms']}/_standin/messages")
    for sms in found["messages"] if status == 200 else []:
        if sms["template_code"] == "SMS_ED_SURVEY_INVITATION" and sms["number"].endswith(MOBILE):
            token = sms["params"]["link"].rsplit("/", 1)[1]
            answer = call_json("GET", f"{suite['door']}/surveys/api/v1/answers/{token}")
            if answer[0] == 200 and answer[1]["purpose"] == "wave":
                return str(sms["params"]["link"])
    return None


def _login_sms(suite: dict) -> dict[str, Any] | None:
    status, found = call_json("GET", f"{suite['sms']}/_standin/messages")
    if status != 200:
        return None
    return next((m for m in reversed(found["messages"]) if m["number"].endswith(MOBILE) and "code" in m["params"]),
                None)
