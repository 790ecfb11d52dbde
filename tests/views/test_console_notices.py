"""A person's page and notices in the staff console, against the real services (the views' suite):
the person's units, masked contacts, timeline and the notices that reached them; the reveal of their
numbers, audited by owners; another estate's person not found; composing a notice refused in the
staff member's language with nothing created; the live preview for a sample recipient; CSRF."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, insert, select

FEE_TEMPLATE = uuid.UUID("2d1f6a8e-3c4b-4f59-9a7d-0e6b1c2d3f40")


@pytest.fixture(scope="module")
def world(suite) -> dict:
    """The views' suite with a fee notice template for SUN (notify's row as adding one leaves it)."""
    from notify.tables import templates

    now = datetime.now(UTC)
    with suite["engines"]["notify"].begin() as conn:
        if conn.execute(select(templates.c.id).where(templates.c.id == FEE_TEMPLATE)).first() is None:
            conn.execute(insert(templates).values(
                id=FEE_TEMPLATE, estate_id=uuid.UUID(suite["estate"]["id"]), code="fee_notice", purpose="fee",
                texts={"zh-CN": {"subject": "物业费缴纳通知", "body": "${name}您好：${unit}本期物业费${amount}元。"},
                       "en": {"subject": "Property fee notice", "body": "${name}: ${unit} fee ${amount} yuan."}},
                variables=["name", "unit", "amount"], sms_template_code="SMS_FEE", created_at=now, updated_at=now))
    return suite


def _desk(suite, language: str = "zh-CN", **claims):  # noqa: ANN001, ANN202
    client = suite["console"](suite["gateway"](), "service_desk_agent", [suite["estate"]["id"]], **claims)
    client.get(f"/console/language/{language}")
    return client


def _csrf(client, path: str) -> str:  # noqa: ANN001
    return re.search(r'name="csrf" value="([^"]+)"', client.get(path).text).group(1)


def _notices(suite) -> int:  # noqa: ANN001
    from notify.tables import notices

    with suite["engines"]["notify"].connect() as conn:
        return conn.execute(select(func.count()).select_from(notices)).scalar_one()


def test_the_person_page_shows_units_masked_contacts_timeline_and_notices(world) -> None:
    zhang = world["households"]["zhang"]
    page = _desk(world).get(f"/console/people/{zhang['person']}")
    assert page.status_code == 200, page.text
    assert "张伟" in page.text and "1-101" in page.text
    assert "138****5678" in page.text and "13812345678" not in page.text
    assert f'href="/console/tickets/{zhang["ticket"]}"' in page.text  # the timeline's ticket, linked to its page
    assert f'href="/console/notices/{zhang["notice"]}"' in page.text  # the notice that reached him
    assert "致张伟的通知" in page.text and "已送达" in page.text and "短信" in page.text
    assert "李娜" not in page.text


def test_a_reveal_shows_the_full_number_and_is_audited(world) -> None:
    from owners.tables import pii_reveals

    zhang = world["households"]["zhang"]
    desk = _desk(world, perms=["pii:reveal"])
    path = f"/console/people/{zhang['person']}"

    def audited() -> int:
        with world["engines"]["owners"].connect() as conn:
            return conn.execute(select(func.count()).select_from(pii_reveals).where(
                pii_reveals.c.person_id == uuid.UUID(zhang["person"]))).scalar_one()

    before = audited()
    shown = desk.post(f"{path}/reveal", data={"csrf": _csrf(desk, path)})
    assert shown.status_code == 200, shown.text
    assert "13812345678" in shown.text and "审计" in shown.text
    assert audited() == before + 1
    assert "13812345678" not in desk.get(path).text  # masked again on the next read


def test_a_reveal_without_the_permission_is_refused_and_not_shown(world) -> None:
    zhang = world["households"]["zhang"]
    desk = _desk(world)
    path = f"/console/people/{zhang['person']}"
    refused = desk.post(f"{path}/reveal", data={"csrf": _csrf(desk, path)})
    assert refused.status_code == 403
    assert "13812345678" not in refused.text and "没有查看完整号码的权限" in refused.text


def test_another_estates_person_is_not_found(world) -> None:
    wang = world["households"]["wang"]
    desk = _desk(world, perms=["pii:reveal"])
    page = desk.get(f"/console/people/{wang['person']}")
    assert page.status_code == 404 and "王芳" not in page.text
    revealed = desk.post(f"/console/people/{wang['person']}/reveal",
                         data={"csrf": _csrf(desk, f"/console/people/{world['households']['zhang']['person']}")})
    assert revealed.status_code == 404 and "13812345680" not in revealed.text
    assert desk.get(f"/console/notices/{wang['notice']}").status_code == 404


def test_the_timeline_filters_by_kind_and_refuses_a_backwards_period(world) -> None:
    zhang = world["households"]["zhang"]
    desk = _desk(world)
    only_notices = desk.get(f"/console/people/{zhang['person']}?source=notify")
    timeline = only_notices.text.split('id="timeline-h"', 1)[1]
    assert f"/console/tickets/{zhang['ticket']}" not in timeline
    backwards = desk.get(f"/console/people/{zhang['person']}?since=2026-12-06&until=2026-12-01")
    assert "截止日期应晚于起始日期" in backwards.text and 'aria-invalid="true"' in backwards.text


def test_a_technician_has_no_person_or_notices_page(world) -> None:
    technician = world["console"](world["gateway"](), "technician", [world["estate"]["id"]])
    assert technician.get(f"/console/people/{world['households']['zhang']['person']}").status_code == 404
    assert technician.get("/console/notices").status_code == 404


def _bad_notice(csrf: str) -> dict:
    return {"csrf": csrf, "estate_id": "", "template_id": "", "title": "", "audience": "buildings", "role": "owners",
            "when": "later", "send_at": "2020-01-01T09:00"}


@pytest.mark.parametrize(("language", "words"), [
    ("zh-CN", ["请选择模板", "请填写通知标题", "请至少选择一个楼栋", "请至少选择一个渠道", "请填写将来的发送时间"]),
    ("en", ["Choose a template", "Enter a title", "Choose at least one building", "Choose at least one channel",
            "Enter a send time in the future"]),
])
def test_a_bad_notice_is_refused_in_the_staff_members_language_and_nothing_is_created(world, language, words) -> None:
    desk = _desk(world, language)
    before = _notices(world)
    form = {**_bad_notice(_csrf(desk, "/console/notices/new")), "estate_id": world["estate"]["id"]}
    refused = desk.post("/console/notices/new", data=form)
    assert refused.status_code == 422
    for word in words:
        assert word in refused.text
    assert 'class="error-summary"' in refused.text and 'aria-describedby="title-hint title-error"' in refused.text
    bad_list = desk.post("/console/notices/new", data={
        "csrf": _csrf(desk, "/console/notices/new"), "estate_id": world["estate"]["id"],
        "template_id": str(FEE_TEMPLATE), "title": "名单通知", "var.amount": "100", "audience": "list",
        "list": "张伟,13812345678\n只有名字", "channels": "sms", "when": "now"})
    assert bad_list.status_code == 422
    assert ("名单第 2 行" if language == "zh-CN" else "Line 2 of the list") in bad_list.text
    assert _notices(world) == before


def test_the_preview_renders_for_a_sample_recipient_with_parts_and_cost(world) -> None:
    desk = _desk(world)
    csrf = _csrf(desk, "/console/notices/new")
    preview = desk.post("/console/notices/preview", headers={"X-CSRF-Token": csrf, "HX-Request": "true"}, data={
        "estate_id": world["estate"]["id"], "template_id": str(FEE_TEMPLATE), "title": "", "var.amount": "1280.00",
        "audience": "estate", "role": "owners", "channels": ["sms", "in_app"], "when": "now"})
    assert preview.status_code == 200, preview.text
    sample = re.search(r"示例收件人：(\S+)（", preview.text)
    assert sample and sample.group(1) in ("张伟", "李娜")
    assert f"{sample.group(1)}您好：" in preview.text and "本期物业费1280.00元" in preview.text
    assert re.search(r'class="recipients">2<', preview.text)  # SUN's two households, not MOON's
    assert re.search(r'class="parts">\d+<', preview.text) and re.search(r'class="cost">¥\d+\.\d\d<', preview.text)
    assert "<html" not in preview.text  # a part of the page, not a page


def test_a_notice_is_sent_from_the_page_and_its_delivery_page_shows(world) -> None:
    desk = _desk(world)
    before = _notices(world)
    sent = desk.post("/console/notices/new", data={
        "csrf": _csrf(desk, "/console/notices/new"), "key": str(uuid.uuid4()), "estate_id": world["estate"]["id"],
        "template_id": str(FEE_TEMPLATE), "title": "12月物业费缴纳通知", "var.amount": "1280.00",
        "audience": "estate", "role": "owners", "channels": ["sms"], "when": "now"})
    assert sent.status_code == 303, sent.text
    assert _notices(world) == before + 1
    delivery = desk.get(sent.headers["Location"])
    assert delivery.status_code == 200 and "12月物业费缴纳通知" in delivery.text
    assert 'hx-trigger="every 2s"' in delivery.text  # filling live while it is sent
    listed = desk.get("/console/notices")
    assert "12月物业费缴纳通知" in listed.text and "致李娜的通知" in listed.text and "致王芳的通知" not in listed.text


def test_every_form_without_csrf_is_refused_and_changes_nothing(world) -> None:
    zhang = world["households"]["zhang"]
    desk = _desk(world, perms=["pii:reveal"])
    before = _notices(world)
    for path, form in ((f"/console/people/{zhang['person']}/reveal", {}),
                       ("/console/notices/new", {"estate_id": world["estate"]["id"], "title": "x"}),
                       ("/console/notices/preview", {"estate_id": world["estate"]["id"]}),
                       (f"/console/notices/{zhang['notice']}/resend", {"channel": "email"})):
        refused = desk.post(path, data={**form, "csrf": "forged"})
        assert refused.status_code == 400, path
        assert "13812345678" not in refused.text
    assert _notices(world) == before


def test_choosing_a_template_brings_its_variables_and_a_building_its_units(world) -> None:
    desk = _desk(world)
    fields = desk.get(f"/console/notices/new/variables?estate_id={world['estate']['id']}&template_id={FEE_TEMPLATE}",
                      headers={"HX-Request": "true"})
    assert fields.status_code == 200, fields.text
    assert 'id="var-amount"' in fields.text and 'id="var-name"' not in fields.text  # name: filled per recipient
    building = re.search(r'<option value="([^"]+)"[^>]*>1栋</option>', desk.get("/console/notices/new").text).group(1)
    units = desk.get(f"/console/notices/new/units?building_id={building}", headers={"HX-Request": "true"})
    assert "1-101" in units.text and "1-102" in units.text and "2-201" not in units.text


def test_the_delivery_page_of_a_finished_notice_stops_polling_and_a_bad_resend_is_refused(world) -> None:
    from notify.tables import messages

    zhang = world["households"]["zhang"]
    desk = _desk(world, "en")
    path = f"/console/notices/{zhang['notice']}"
    live = desk.get(f"{path}/live", headers={"HX-Request": "true"})
    assert live.status_code == 200 and "<html" not in live.text
    assert 'data-in-flight="no"' in live.text and "hx-trigger" not in live.text  # finished: no more polling
    assert "1 of 1 households reached" in live.text and "Every household was reached." in live.text

    def sent() -> int:
        with world["engines"]["notify"].connect() as conn:
            return conn.execute(select(func.count()).select_from(messages)).scalar_one()

    before = sent()
    refused = desk.post(f"{path}/resend", data={"csrf": _csrf(desk, path), "channel": "fax"})
    assert refused.status_code == 422 and "Choose a channel to resend by." in refused.text
    assert sent() == before


@pytest.mark.parametrize(("audience", "recipients"), [("buildings", 2), ("units", 1), ("list", 2)])
def test_the_audience_picker_counts_buildings_units_and_a_list(world, audience, recipients) -> None:
    zhang = world["households"]["zhang"]
    desk = _desk(world)
    compose = desk.get("/console/notices/new").text
    building = re.search(r'<option value="([^"]+)"[^>]*>1栋</option>', compose).group(1)
    chosen = {"buildings": {"buildings": building}, "units": {"units": zhang["unit"]},
              "list": {"list": "张伟,13812345678\n访客甲，13900001111，guest@example.com"}}[audience]
    preview = desk.post("/console/notices/preview", headers={"X-CSRF-Token": _csrf(desk, "/console/notices/new")},
                        data={"estate_id": world["estate"]["id"], "template_id": str(FEE_TEMPLATE), "title": "t",
                              "var.amount": "10", "audience": audience, "role": "occupants", "channels": "sms",
                              "when": "now", **chosen})
    assert preview.status_code == 200, preview.text
    assert re.search(rf'class="recipients">{recipients}<', preview.text), preview.text


def test_the_person_page_in_english(world) -> None:
    zhang = world["households"]["zhang"]
    page = _desk(world, "en").get(f"/console/people/{zhang['person']}")
    assert page.status_code == 200
    for words in ("Contacts (in order)", "Units and occupancy", "Activity timeline", "Notices sent to them",
                  "Owner", "Reached", "SMS", "Show full numbers"):
        assert words in page.text, words


def test_a_notice_scheduled_for_later_waits_with_its_time_in_beijing_time(world) -> None:
    from notify.tables import notices

    desk = _desk(world)
    sent = desk.post("/console/notices/new", data={
        "csrf": _csrf(desk, "/console/notices/new"), "key": str(uuid.uuid4()), "estate_id": world["estate"]["id"],
        "template_id": str(FEE_TEMPLATE), "title": "明年物业费预告", "var.amount": "99", "audience": "estate",
        "role": "owners", "channels": ["sms", "email"], "when": "later", "send_at": "2030-01-02T09:30"})
    assert sent.status_code == 303, sent.text
    with world["engines"]["notify"].connect() as conn:
        row = conn.execute(select(notices.c.status, notices.c.send_at, notices.c.channels).where(
            notices.c.title == "明年物业费预告")).one()
    assert row.status == "scheduled" and row.channels == ["sms", "email"]
    assert row.send_at.astimezone(UTC) == datetime(2030, 1, 2, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
    delivery = desk.get(sent.headers["Location"]).text
    assert "待发送" in delivery and "2030-01-02 09:30" in delivery
    assert 'data-in-flight="no"' in delivery  # nothing moves until 2030: not asked every 2 s


def test_a_missing_variable_is_named_in_the_staff_members_words(world) -> None:
    desk = _desk(world)
    refused = desk.post("/console/notices/new", data={
        "csrf": _csrf(desk, "/console/notices/new"), "estate_id": world["estate"]["id"],
        "template_id": str(FEE_TEMPLATE), "title": "缺金额", "var.amount": " ", "audience": "estate",
        "role": "owners", "channels": "sms", "when": "now"})
    assert refused.status_code == 422
    assert "请填写“金额（元）”" in refused.text and 'aria-describedby="var-amount-error"' in refused.text
