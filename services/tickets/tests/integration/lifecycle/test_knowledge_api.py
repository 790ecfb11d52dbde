"""The knowledge base through the API (TKT-10): versions with their author and review, the search in
Chinese and English over published text only, suggestions for a ticket, and 404 across estates."""

from __future__ import annotations

import pytest

ARTICLES = "/api/v1/knowledge/articles"
SEARCH = "/api/v1/knowledge/search"


@pytest.fixture
def manager(auth, place):
    return auth("estate_manager", [place["estate"]], subject="manager-1")


def article(**changes):
    return {"title": "厨房水管漏水 Kitchen pipe leak", "symptoms": "水槽下方的软管接头滴水，地面有积水",
            "steps": ["关闭厨房进水阀", "更换软管接头的密封圈", "开阀试水十分钟 (check for leaks)"],
            "kinds": ["repair"], "categories": ["plumbing"],
            "attachments": [{"name": "阀门位置图", "url": "https://files.example.com/valve.png"}], **changes}


def found(client, headers, **query):
    answer = client.get(SEARCH, headers=headers, query_string=query)
    assert answer.status_code == 200, answer.json
    return [a["title"] for a in answer.json]


def test_written_reviewed_published_and_found_in_both_languages(client, desk, manager, place) -> None:
    written = client.post(ARTICLES, headers=desk, json=article(estate_id=place["estate"]))
    assert written.status_code == 201, written.json
    first = written.json
    assert (first["published_version"], first["versions"][0]["review_state"]) == (None, "pending")
    assert found(client, desk, q="漏水") == []  # not published yet
    review = f"{ARTICLES}/{first['id']}/versions/1/review"
    own = client.post(ARTICLES, headers=manager, json=article(estate_id=place["estate"], title="电梯困人的处置"))
    assert client.post(f"{ARTICLES}/{own.json['id']}/versions/1/review", headers=manager,
                       json={"approve": True}).status_code == 409  # nobody approves their own
    assert client.post(review, headers=desk, json={"approve": True}).status_code == 403
    approved = client.post(review, headers=manager, json={"approve": True, "note": "步骤清楚"}).json
    assert approved["published_version"] == 1 and approved["versions"][0]["reviewed_by"] == "manager-1"
    title = "厨房水管漏水 Kitchen pipe leak"
    for query in ("漏水", "水管 漏水", "leak", "LEAK", "密封圈", "水", "check leaks"):
        assert found(client, desk, q=query) == [title], query
    assert found(client, desk, q="水漏") == [] and found(client, desk, q="电梯") == []
    assert found(client, desk, q="漏水", category="plumbing", kind="repair") == [title]
    assert found(client, desk, q="漏水", category="lift") == []
    assert found(client, desk, category="plumbing") == [title]
    assert client.post(review, headers=manager, json={"approve": False}).status_code == 409


def test_a_new_version_is_searched_once_approved_and_a_rejected_one_never(client, desk, manager, place) -> None:
    first = client.post(ARTICLES, headers=desk, json=article(estate_id=place["estate"])).json
    client.post(f"{ARTICLES}/{first['id']}/versions/1/review", headers=manager, json={"approve": True})
    url = f"{ARTICLES}/{first['id']}/versions"
    second = client.post(url, headers=desk, json=article(title="厨房下水管堵塞 Kitchen drain blocked",
                                                         symptoms="水槽排水慢")).json
    assert (second["latest_version"], second["published_version"], second["title"]) == (
        2, 1, "厨房水管漏水 Kitchen pipe leak")
    assert found(client, desk, q="堵塞") == []
    rejected = client.post(f"{url}/2/review", headers=manager, json={"approve": False, "note": "与原文无关"}).json
    refused = rejected["versions"][1]
    assert (refused["review_state"], refused["review_note"]) == ("rejected", "与原文无关")
    client.post(url, headers=desk, json=article(symptoms="接头处渗水，柜内潮湿"))
    client.post(f"{url}/3/review", headers=manager, json={"approve": True})
    assert found(client, desk, q="渗水") == ["厨房水管漏水 Kitchen pipe leak"]
    assert found(client, desk, q="积水") == []  # version 1's words are gone
    versions = client.get(f"{ARTICLES}/{first['id']}", headers=desk).json["versions"]
    assert [(v["version"], v["author"], v["review_state"]) for v in versions] == [
        (1, versions[0]["author"], "approved"), (2, versions[0]["author"], "rejected"),
        (3, versions[0]["author"], "approved")]
    waiting = client.get(ARTICLES, headers=desk, query_string={"unpublished": "true"}).json
    assert waiting == []


def test_suggested_for_a_ticket_by_category_kind_and_words(client, desk, manager, place) -> None:
    for body in (article(estate_id=place["estate"]),
                 article(estate_id=place["estate"], title="空调滴水", symptoms="室内机一直滴水", categories=["aircon"],
                         steps=["疏通冷凝水管"]),
                 article(estate_id=place["estate"], title="外墙渗水", symptoms="雨后墙面渗水", categories=["wall"],
                         steps=["检查外墙防水层"]),
                 article(estate_id=place["estate"], title="门禁卡失效", symptoms="刷卡无反应", categories=["access"],
                         kinds=["inquiry"], steps=["重新授权"])):
        made = client.post(ARTICLES, headers=desk, json=body).json
        client.post(f"{ARTICLES}/{made['id']}/versions/1/review", headers=manager, json={"approve": True})
    ticket = client.post("/api/v1/tickets", headers=desk, json={
        "estate_id": place["estate"], "unit_id": place["unit"], "kind": "repair", "category": "plumbing",
        "title": "厨房漏水", "description": "水槽下面一直滴水"}).json
    suggested = client.get(f"/api/v1/tickets/{ticket['id']}/knowledge", headers=desk).json
    # the plumbing article first; the one sharing the ticket's words (滴水, 一直) next; a repair article
    # sharing nothing but the kind is no answer, nor an inquiry's
    assert [a["title"] for a in suggested] == ["厨房水管漏水 Kitchen pipe leak", "空调滴水"]
    assert suggested[0]["score"] > suggested[1]["score"]


def test_another_estates_articles_are_404_and_never_found(client, auth, desk, manager, place, other_place) -> None:
    made = client.post(ARTICLES, headers=desk, json=article(estate_id=place["estate"])).json
    client.post(f"{ARTICLES}/{made['id']}/versions/1/review", headers=manager, json={"approve": True})
    outsider = auth("estate_manager", [other_place["estate"]])
    assert client.get(f"{ARTICLES}/{made['id']}", headers=outsider).status_code == 404
    assert client.post(f"{ARTICLES}/{made['id']}/versions", headers=outsider, json=article()).status_code == 404
    assert client.post(f"{ARTICLES}/{made['id']}/versions/1/review", headers=outsider,
                       json={"approve": False}).status_code == 404
    assert found(client, outsider, q="漏水") == [] and client.get(ARTICLES, headers=outsider).json == []
    assert client.post(ARTICLES, headers=outsider, json=article(estate_id=place["estate"])).status_code == 404
    ticket = client.post("/api/v1/tickets", headers=desk, json={
        "estate_id": place["estate"], "unit_id": place["unit"], "kind": "inquiry", "title": "漏水"}).json
    assert client.get(f"/api/v1/tickets/{ticket['id']}/knowledge", headers=outsider).status_code == 404
    assert client.post(ARTICLES, headers=desk, json=article()).status_code == 422  # the operator's: admins only
