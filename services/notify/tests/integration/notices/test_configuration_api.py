"""Templates, an estate's sending settings and a person's opt-outs through the API."""

from notify.tables import templates

TEXTS = {"zh-CN": {"subject": "活动", "body": "${name}您好，${date}举办社区活动"},
         "en": {"subject": "Event", "body": "Dear ${name}, a community event on ${date}"}}


def test_templates_check_their_variables_and_languages(client, auth, world, count):
    headers = auth("estate_manager", [world.estate_id])
    new = {"estate_id": str(world.estate_id), "code": "event", "purpose": "activity", "texts": TEXTS}
    unknown = client.post("/api/v1/templates", json=new, headers=headers)
    assert unknown.status_code == 422 and "${date}" in unknown.json["detail"]
    no_zh = client.post("/api/v1/templates", json={**new, "variables": ["date"], "texts": {"en": TEXTS["en"]}},
                        headers=headers)
    assert no_zh.status_code == 422 and count(templates) == 0
    made = client.post("/api/v1/templates", json={**new, "variables": ["date"]}, headers=headers)
    assert made.status_code == 201 and made.json["variables"] == ["date"]
    assert client.post("/api/v1/templates", json={**new, "estate_id": None, "variables": ["date"]},
                       headers=headers).status_code == 422  # for every estate: servicekit.access
    listed = client.get("/api/v1/templates", headers=auth("service_desk_agent", [world.estate_id]))
    assert [t["code"] for t in listed.json["items"]] == ["event"]
    changed = client.patch(f"/api/v1/templates/{made.json['id']}", json={"variables": []}, headers=headers)
    assert changed.status_code == 422  # ${date} would be unknown
    assert client.delete(f"/api/v1/templates/{made.json['id']}", headers=headers).status_code == 204


def test_a_taken_template_code_is_a_409_said_in_both_languages(client, auth, world, count):
    headers = auth("estate_manager", [world.estate_id])
    new = {"estate_id": str(world.estate_id), "code": "event", "purpose": "activity", "texts": TEXTS,
           "variables": ["date"]}
    assert client.post("/api/v1/templates", json=new, headers=headers).status_code == 201
    taken = client.post("/api/v1/templates", json=new, headers={**headers, "Accept-Language": "zh-CN"})
    assert taken.status_code == 409 and taken.json["detail"] == "该小区（或运营方）已有此代码的模板"
    operator = auth()
    wide = {**new, "estate_id": None}
    assert client.post("/api/v1/templates", json=wide, headers=operator).status_code == 201
    again = client.post("/api/v1/templates", json=wide, headers=operator)
    assert again.status_code == 409 and "has a template of this code" in again.json["detail"]
    assert count(templates) == 2


def test_sending_settings(client, auth, world, make_world):
    path = f"/api/v1/estates/{world.estate_id}/sending-settings"
    got = client.get(path, headers=auth("service_desk_agent", [world.estate_id]))
    assert got.status_code == 200 and got.json["timezone"] == "Asia/Shanghai" and got.json["version"] == 0
    values = {"timezone": "Asia/Urumqi", "quiet_start": "22:00", "quiet_end": "07:30", "sms_sign_name": "阳光物业"}
    assert client.put(path, json={**values, "timezone": "Mars/Olympus"}, headers=auth()).status_code == 422
    assert client.put(path, json={**values, "quiet_end": "7:30"}, headers=auth()).status_code == 422
    put = client.put(path, json=values, headers=auth("estate_manager", [world.estate_id]))
    assert put.status_code == 200 and put.json["version"] == 1 and put.json["quiet_end"] == "07:30"
    other = make_world()
    assert client.get(path, headers=auth("estate_manager", [other.estate_id])).status_code == 404
    assert client.put(path, json=values, headers=auth("service_desk_agent", [world.estate_id])).status_code == 403


def test_opt_outs_of_non_essential_purposes(client, auth, world, make_world):
    person = world.person("王芳")
    headers = auth("service_desk_agent", [world.estate_id])
    path = f"/api/v1/people/{person}/opt-outs"
    assert client.put(f"{path}/fee", headers=headers).status_code == 422  # essential
    assert client.put(f"{path}/survey", headers=headers).status_code == 200
    assert client.put(f"{path}/survey", headers=headers).status_code == 200  # again: no change
    assert [o["purpose"] for o in client.get(path, headers=headers).json] == ["survey"]
    assert client.get(path, headers=auth("service_desk_agent", [make_world().estate_id])).status_code == 404
    assert client.delete(f"{path}/survey", headers=headers).status_code == 204
    assert client.get(path, headers=headers).json == []
