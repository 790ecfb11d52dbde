"""Documents (OWN-5) through the HTTP API on the real PostgreSQL: versioned contract templates, a DOCX
generated for a person from the newest version (the estate's own before the operator's), stored and
listed on the person with who generated it, and opened to check its text, Chinese included; a template
that reaches for Python is refused; another estate's documents not found."""

from __future__ import annotations

import io

from docx import Document

CONTRACT = ["甲方：{{ estate_name }}（{{ estate_address }}）", "乙方：{{ person_name }}，房屋：{{ unit }}",
            "本合同于 {{ date }} 由 {{ generated_by }} 生成。"]


def _template(client, headers, paragraphs=CONTRACT, estate=None, name="物业服务合同"):
    return client.post("/api/v1/document-templates", json={"estate_id": estate, "code": "service_contract",
                                                           "kind": "contract", "name": name,
                                                           "paragraphs": paragraphs}, headers=headers)


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_contract_is_generated_stored_listed_and_reads_back_in_chinese(client, auth, make_place, make_person):
    place = make_place()
    client.patch(f"/api/v1/estates/{place['estate']}", json={"address": "深圳市南山区示例路1号"}, headers=auth())
    person = make_person(place["estate"], "张伟", unit=place["units"][0])
    first = _template(client, auth())
    assert first.status_code == 201 and first.json["version"] == 1, first.json
    second = _template(client, auth(), [*CONTRACT, "第二版：增加车位条款。"])
    assert second.json["version"] == 2  # the same code: its next version

    desk = auth("service_desk_agent", [place["estate"]], subject="desk-li")
    made = client.post(f"/api/v1/people/{person['id']}/documents",
                       json={"template_code": "service_contract", "unit_id": place["units"][0]}, headers=desk)
    assert made.status_code == 201, made.json
    assert (made.json["template_id"], made.json["generated_by"], made.json["kind"]) == (
        second.json["id"], "desk-li", "contract")
    listed = client.get(f"/api/v1/people/{person['id']}/documents", headers=desk).json["items"]
    assert [d["id"] for d in listed] == [made.json["id"]]

    downloaded = client.get(f"/api/v1/documents/{made.json['id']}", headers=desk)
    assert downloaded.status_code == 200
    assert downloaded.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "filename*=UTF-8''" in downloaded.headers["Content-Disposition"]
    text = _text(downloaded.data)
    assert "甲方：SUN 花园（深圳市南山区示例路1号）" in text
    assert "乙方：张伟，房屋：1栋 1-101" in text
    assert "由 desk-li 生成" in text and "第二版：增加车位条款。" in text
    assert len(downloaded.data) == made.json["size"]


def test_an_estates_own_template_comes_before_the_operators(client, auth, make_place, make_person):
    place = make_place()
    person = make_person(place["estate"], "李娜")
    _template(client, auth(), ["运营方模板 {{ person_name }}"])
    own = _template(client, auth(), ["本小区模板 {{ person_name }}"], estate=place["estate"])
    assert own.json["version"] == 1
    made = client.post(f"/api/v1/people/{person['id']}/documents", json={"template_code": "service_contract"},
                       headers=auth()).json
    assert "本小区模板 李娜" in _text(client.get(f"/api/v1/documents/{made['id']}", headers=auth()).data)


def test_a_bad_template_is_refused_and_changes_nothing(client, auth, make_place, make_person, row_counts):
    place = make_place()
    person = make_person(place["estate"])
    before = row_counts()
    for paragraphs in (["{{ unknown_field }}"], ["{{ person_name.__class__.__mro__ }}"], ["{% for %}"], [],
                       ["合同\x01正文"]):  # a control character no DOCX can hold
        answer = _template(client, {**auth(), "Accept-Language": "zh-CN"}, paragraphs)
        assert answer.status_code == 422, (paragraphs, answer.json)
    assert client.post(f"/api/v1/people/{person['id']}/documents", json={"template_code": "nothing_here"},
                       headers=auth()).status_code == 404
    assert row_counts() == before


def test_a_template_for_every_estate_needs_a_caller_who_sees_every_estate(client, auth, make_place):
    place = make_place()
    manager = auth("estate_manager", [place["estate"]])
    assert _template(client, manager).status_code == 422
    assert _template(client, manager, estate=place["estate"]).status_code == 201


def test_documents_of_another_estate_are_not_found(client, auth, make_place, make_person, row_counts):
    mine, theirs = make_place("A"), make_place("B")
    their_person = make_person(theirs["estate"], "外人")
    my_person = make_person(mine["estate"], "自己人")
    template = _template(client, auth()).json
    theirs_only = _template(client, auth(), estate=theirs["estate"]).json
    document = client.post(f"/api/v1/people/{their_person['id']}/documents",
                           json={"template_code": "service_contract"}, headers=auth()).json
    desk = auth("service_desk_agent", [mine["estate"]])
    before = row_counts()
    assert client.get(f"/api/v1/documents/{document['id']}", headers=desk).status_code == 404
    assert client.get(f"/api/v1/people/{their_person['id']}/documents", headers=desk).status_code == 404
    assert client.post(f"/api/v1/people/{their_person['id']}/documents", json={"template_code": "service_contract"},
                       headers=desk).status_code == 404
    assert client.post(f"/api/v1/people/{my_person['id']}/documents", json={
        "template_code": "service_contract", "unit_id": theirs["units"][0]}, headers=desk).status_code == 404
    assert client.get(f"/api/v1/document-templates/{theirs_only['id']}", headers=desk).status_code == 404
    assert client.get(f"/api/v1/document-templates?estate_id={theirs['estate']}", headers=desk).status_code == 404
    listed = client.get("/api/v1/document-templates", headers=desk).json["items"]
    assert [t["id"] for t in listed] == [template["id"]]
    assert row_counts() == before

