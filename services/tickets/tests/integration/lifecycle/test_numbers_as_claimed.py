"""Numbers are what they claim to be (issue 15): a score of 4.5 was stored as 4 and a full-width phone
number as given; a step sent an empty or a form body ran as if it had been sent ``{}``."""

from __future__ import annotations

import pytest


@pytest.fixture
def desk(auth, place):
    return auth("service_desk_agent", [place["estate"]], perms=["pii:reveal"])


def step(client, headers, ticket, path, body):
    return client.post(f"/api/v1/tickets/{ticket['id']}/{path}", json=body, headers=headers)


def test_a_score_that_is_not_a_whole_number_is_refused_not_truncated(client, desk, place, complaint, recorded):
    ticket = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    for path, body in [("acknowledge", {}), ("dispatch", {"staff_id": place["technician"]}), ("arrive", {}),
                       ("resolve", {"resolution": "已处理"}), ("inform-owner", {"how": "phone"})]:
        assert step(client, desk, ticket, path, body).status_code == 200, path
    for score in (4.5, "4.5", "４", True):
        refused = step(client, desk, ticket, "evaluate", {"score": score})
        assert refused.status_code == 422 and list(refused.json["errors"]["json"]) == ["score"], score
    assert [e["type"] for e in recorded()][-1].endswith(".owner_informed.v1")
    evaluated = step(client, desk, ticket, "evaluate", {"score": 4})
    assert evaluated.status_code == 200 and evaluated.json["evaluation_score"] == 4


def test_an_sla_target_that_is_not_a_whole_number_of_minutes_is_refused(client, auth, place):
    admin = auth("operator_admin", [place["estate"]])
    body = {"estate_id": place["estate"], "kind": "complaint", "acknowledge_minutes": 1.5}
    answer = client.post("/api/v1/sla/policies", json=body, headers=admin)
    assert answer.status_code == 422 and list(answer.json["errors"]["json"]) == ["acknowledge_minutes"]


def test_a_contact_phone_is_ascii_digits(client, desk, complaint):
    opened = client.post("/api/v1/tickets", json=complaint(contact_phone="１３８-１２３４-５６７８"), headers=desk)
    assert opened.status_code == 201 and opened.json["contact_phone"] == "13812345678"
    refused = client.post("/api/v1/tickets", json=complaint(contact_phone="call me"), headers=desk)
    assert refused.status_code == 422 and list(refused.json["errors"]["json"]) == ["contact_phone"]


def test_a_step_sent_a_body_that_is_not_json_is_a_400(client, desk, complaint, recorded):
    ticket = client.post("/api/v1/tickets", json=complaint(), headers=desk).json
    before = len(recorded())
    url = f"/api/v1/tickets/{ticket['id']}/acknowledge"
    for kwargs in ({"data": "", "content_type": "application/json"},
                   {"data": "note=sorry", "content_type": "application/x-www-form-urlencoded"},
                   {"data": '{"note": "sorry"}', "content_type": "text/plain"}):
        answer = client.post(url, headers=desk, **kwargs)
        assert answer.status_code == 400 and answer.mimetype == "application/problem+json", kwargs
    assert len(recorded()) == before
    assert client.post(url, headers=desk).status_code == 200  # no body at all: the step needs none
