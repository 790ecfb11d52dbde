"""Desk work, the register and a technician's own work in a real headless Chromium, with every process
of the suite running and the demo estate loaded: the desk agent writes a shift handover to the duty
manager and signs the one the manager hands back; the manager opens the register; the technician
signs in on a phone and sees their own open tickets with their SLA clocks. axe-core finds no serious
violation on any of these pages (a refused form's included). Screenshots 50-55 go to
``CONSOLE_SCREENSHOTS`` (default var/screenshots/console/)."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
DESK = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}






def _signed_in(browser: Any, door: str, login: str, viewport: dict[str, int], **options: Any) -> tuple[Any, str]:
    """A page of a new browser context signed in with the demo account ``login``, and the name it shows."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
    context.set_default_timeout(60_000)
    page = context.new_page()
    page.goto(f"{door}/console/")
    page.fill("#login", login)
    page.fill("#password", f"estatedesk-demo-{login}")  # gateway.demo: the development password make run prints
    page.keyboard.press("Enter")
    expect(page.locator("header .who form")).to_be_visible()
    return page, page.locator("header .name").inner_text().split(" · ")[0]


def test_the_desk_hands_over_a_shift_and_a_technician_sees_their_own_work(suite, console) -> None:
    from playwright.sync_api import expect, sync_playwright

    suite["load_demo"]()
    door = suite["door"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        expect.set_options(timeout=60_000)
        desk, desk_name = _signed_in(browser, door, "desk", DESK)
        manager, manager_name = _signed_in(browser, door, "manager", DESK)

        desk.goto(f"{door}/console/desk")
        expect(desk.locator("h1")).to_have_text("前台事务")
        expect(desk.locator("#calls-heading")).to_contain_text("近 24 小时来电")
        console.shot(desk, "50-desk")
        console.accessible(desk)

        # The desk agent writes the handover to the duty manager, from the keyboard.
        desk.click(".subnav >> text=交接班记录")
        expect(desk.locator("h1")).to_have_text("交接班记录")
        desk.select_option("#incoming_staff_id", label=manager_name)
        desk.fill("#note", "夜班平稳，2 号梯维保单位明早 9 点到场。")
        desk.fill("#notes", "2栋1号梯停用待修\n钥匙借给 3-502 装修队")
        desk.click("text=提交交接班记录")
        expect(desk.locator(".notice.ok")).to_contain_text("交接班记录已提交")
        expect(desk.locator("tbody tr").first).to_contain_text(manager_name)

        # The manager hands the next shift back to the agent, who signs it and takes over its items.
        manager.goto(f"{door}/console/desk/handover")
        manager.select_option("#incoming_staff_id", label=desk_name)
        manager.fill("#notes", "1栋大堂灯不亮，已报修")
        manager.click("text=提交交接班记录")
        expect(manager.locator(".notice.ok")).to_be_visible()
        desk.reload()
        card = desk.locator("section.sign", has_text=manager_name)
        expect(card).to_contain_text("1栋大堂灯不亮，已报修")
        console.shot(desk, "51-handover")
        console.accessible(desk)
        card.get_by_role("button", name="签收").click()
        expect(desk.locator(".notice.ok")).to_contain_text("已签收")
        expect(desk.locator("section.sign", has_text=manager_name)).to_have_count(0)

        desk.click(".subnav >> text=来电与回电")
        expect(desk.locator("#log-heading")).to_have_text("通话记录")
        console.shot(desk, "54-desk-calls")
        console.accessible(desk)
        desk.click(".subnav >> text=知识库与话术")
        desk.fill("#q", "漏水")
        desk.keyboard.press("Enter")
        expect(desk.locator("#articles-heading")).to_be_visible()
        console.shot(desk, "55-desk-knowledge")
        console.accessible(desk)
        desk.click(".subnav >> text=预约日程")
        desk.fill("#title", "")
        desk.get_by_role("button", name="预约", exact=True).click()
        expect(desk.locator(".error-summary")).to_contain_text("请填写「事项」。")
        console.accessible(desk)
        desk.click(".subnav >> text=服务目录")
        expect(desk.locator("h1")).to_have_text("服务目录")
        console.accessible(desk)

        manager.goto(f"{door}/console/register/departments")
        expect(manager.locator("h1")).to_have_text("部门")
        console.shot(manager, "53-register")
        for area in ("departments", "equipment", "prospects", "contracts"):
            manager.goto(f"{door}/console/register/{area}")
            console.accessible(manager)

        technician, _ = _signed_in(browser, door, "technician", PHONE, is_mobile=True, has_touch=True)
        technician.goto(f"{door}/console/my-work")
        expect(technician.locator("h1")).to_contain_text("我的工单")
        cards = technician.locator("li.work-card")
        expect(cards.first).to_be_visible()
        links = technician.locator("a.work-link").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert links and all(href.startswith("/console/tickets/") for href in links)
        expect(technician.locator(".menu a")).to_have_count(1)  # my work: nothing else is the technician's
        console.shot(technician, "52-my-work-phone")
        console.accessible(technician)

        # A ticket of their own on the phone: its steps, and no keyboard shortcut said where there is none.
        technician.locator("a.work-link").first.click()
        expect(technician.locator("h1")).to_contain_text("工单")
        expect(technician.locator(".steps")).to_be_visible()
        expect(technician.locator(".keyboard-hint")).to_have_count(1)
        expect(technician.locator(".keyboard-hint")).to_be_hidden()
        browser.close()
