"""Refusals speak the caller's language: Chinese when Accept-Language prefers it, English without one.

One refusal of each kind owners gives: a rule of the domain, a unique key the database holds, a
row outside the caller's scope, and a refusal of the web layer itself.
"""

from __future__ import annotations

ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}


def test_a_taken_building_code_is_refused_in_chinese_when_asked(client, auth, make_place):
    place = make_place()
    taken = {"code": "1", "name": "again"}
    response = client.post(f"/api/v1/estates/{place['estate']}/buildings", json=taken, headers={**auth(), **ZH})
    assert response.status_code == 409
    assert response.headers["Content-Language"] == "zh-CN"
    assert (response.json["title"], response.json["detail"]) == ("与现有记录冲突", "本小区已有编码为 1 的楼栋")


def test_the_same_refusal_is_in_english_without_accept_language(client, auth, make_place):
    place = make_place()
    taken = {"code": "1", "name": "again"}
    response = client.post(f"/api/v1/estates/{place['estate']}/buildings", json=taken, headers=auth())
    assert response.status_code == 409
    assert response.headers["Content-Language"] == "en"
    assert response.json["title"] == "Conflict"
    assert response.json["detail"] == "building code '1' is taken in this estate"


def test_a_rule_of_the_domain_is_explained_in_chinese(client, auth, make_place):
    place = make_place(floors=10)
    response = client.patch(f"/api/v1/units/{place['units'][0]}", json={"floor": 12}, headers={**auth(), **ZH})
    assert response.status_code == 422
    assert (response.json["title"], response.json["detail"]) == ("请求内容无效", "第 12 层高于楼栋的最高层 10 层")
    assert response.json["errors"] == {"floor": ["must be at most 10"]}


def test_a_unit_of_another_estate_is_not_found_in_either_language(client, auth, make_place):
    mine, theirs = make_place("A"), make_place("B")
    manager = auth("estate_manager", [mine["estate"]])
    chinese = client.get(f"/api/v1/units/{theirs['units'][0]}", headers={**manager, **ZH})
    english = client.get(f"/api/v1/units/{theirs['units'][0]}", headers=manager)
    assert (chinese.status_code, chinese.json["title"], chinese.json["detail"]) == (404, "未找到", "没有此房屋")
    assert (english.status_code, english.json["title"], english.json["detail"]) == (404, "Not Found", "no such unit")


def test_a_reveal_without_the_permission_is_refused_in_chinese(client, auth, make_place, make_person):
    place = make_place()
    person = make_person(place["estate"], unit=place["units"][0])
    agent = auth("service_desk_agent", [place["estate"]])
    response = client.get(f"/api/v1/people/{person['id']}?reveal=true", headers={**agent, **ZH})
    assert response.status_code == 403
    assert (response.json["title"], response.json["detail"]) == ("无权操作", "显示完整手机号需要 pii:reveal 权限")
