"""Issue 16, "what is stored is what it claims to be": a template's body is bounded by what a channel
can send (notify.templates.bounds): a 1 MB body is refused when written, and a notice is refused
when a channel it names cannot carry its template's body."""

from notify.tables import notices, templates


def _template(client, headers, world, body):
    return client.post("/api/v1/templates", json={
        "estate_id": str(world.estate_id), "code": "long", "purpose": "activity",
        "texts": {"zh-CN": {"subject": "活动", "body": body}}}, headers=headers)


def test_a_template_body_longer_than_an_e_mail_carries_is_refused(client, auth, world, count):
    """The tests' bodies stop at 64 KB (a 413), so the API is shown 20,001 characters; a 1 MB body is
    tests/unit/test_body_bounds.py's (notify itself takes 32 MB bodies, for list audiences)."""
    headers = auth("estate_manager", [world.estate_id])
    answer = _template(client, headers, world, "x" * 20_001)
    assert answer.status_code == 422 and "texts.zh-CN.body" in answer.json["errors"], answer.json
    assert count(templates) == 0
    made = _template(client, headers, world, "活动")
    grown = client.patch(f"/api/v1/templates/{made.json['id']}",
                         json={"texts": {"zh-CN": {"body": "x" * 20_001}}}, headers=headers)
    assert grown.status_code == 422


def test_a_notice_is_refused_over_a_channel_that_cannot_carry_its_body(client, auth, world, count):
    world.household("2-1202", "王芳", mobile="13800000001", email="wang@example.com")
    headers = auth("estate_manager", [world.estate_id])
    made = _template(client, headers, world, "本小区将于周六举行社区活动。" * 50)  # 700 characters
    assert made.status_code == 201, made.json
    notice = {"estate_id": str(world.estate_id), "template_id": made.json["id"], "title": "活动",
              "audience": {"estate": True}, "consent_to_split": True}
    by_sms = client.post("/api/v1/notices", json={**notice, "channels": ["email", "sms"]}, headers=headers)
    assert by_sms.status_code == 422 and "sms" in str(by_sms.json["errors"]["template_id"]), by_sms.json
    assert count(notices) == 0
    by_mail = client.post("/api/v1/notices", json={**notice, "channels": ["email"]}, headers=headers)
    assert by_mail.status_code == 201, by_mail.json
