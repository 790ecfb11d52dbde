"""The staff console in a real headless Chromium (Debian's, driven by Playwright) at a desk monitor's
size, through the real front door with every process of the suite running and the demo estate
loaded as ``make run`` loads it: the desk agent signs in with the demo account (a wrong password
refused first, in Chinese), switches to English and back, and signs out. Screenshots go to
``CONSOLE_SCREENSHOTS`` (default var/screenshots/console/); README shows the best of them from
docs/screenshots/console/."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
DESK = {"width": 1440, "height": 900}
DESK_PASSWORD = "estatedesk-demo-desk"  # gateway.demo: the development password make run prints




def test_a_desk_agent_signs_in_and_out(suite, console) -> None:
    from playwright.sync_api import expect, sync_playwright

    suite["load_demo"]()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport=DESK, locale="zh-CN")
        context.set_default_timeout(60_000)
        expect.set_options(timeout=60_000)
        page = context.new_page()

        page.goto(f"{suite['door']}/console/")
        expect(page.locator("h1")).to_have_text("员工登录")
        page.fill("#login", "desk")
        page.fill("#password", "not-the-password")
        page.keyboard.press("Enter")
        expect(page.locator(".error-summary")).to_contain_text("登录名或密码错误")
        console.shot(page, "01-sign-in-refused")

        page.fill("#password", DESK_PASSWORD)
        page.keyboard.press("Enter")
        expect(page.locator("header .name")).to_contain_text("客服专员")
        console.shot(page, "02-home")

        page.click("header .lang")
        expect(page.locator("header .name")).to_contain_text("Service desk agent")
        page.click("header .lang")
        expect(page.locator("header .name")).to_contain_text("客服专员")

        page.click("text=退出登录")
        expect(page.locator("h1")).to_have_text("员工登录")
        page.goto(f"{suite['door']}/console/")
        expect(page.locator("h1")).to_have_text("员工登录")
        browser.close()
