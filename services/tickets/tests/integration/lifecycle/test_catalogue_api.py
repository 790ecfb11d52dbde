"""The service catalogue through the API (TKT-11): the operator's items and an estate's own, a price
above the government's ceiling refused with 422 in both languages and nothing stored, bundles,
and 404 across estates."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tickets.tables import catalogue_items

URL = "/api/v1/catalogue/items"


@pytest.fixture
def manager(auth, place):
    return auth("estate_manager", [place["estate"]])


def item(**changes):
    return {"code": "tap_replace", "kind": "paid", "category": "plumbing", "name_zh": "更换水龙头",
            "name_en": "Replace a tap", "unit": "个", "price": "60.00", "cost": "45.00", "ceiling": "80.00",
            "materials": [{"name": "水龙头", "quantity": "1", "unit": "个"}], **changes}


def count(db) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(catalogue_items)).scalar_one()


def test_the_operators_items_and_an_estates_own_make_its_catalogue(client, auth, manager, place) -> None:
    admin = auth("operator_admin")
    operator = client.post(URL, headers=admin, json=item(price="70.00"))
    assert operator.status_code == 201, operator.json
    assert (operator.json["estate_id"], operator.json["margin"], operator.json["margin_rate"]) == (
        None, "25.00", 0.5556)
    client.post(URL, headers=admin, json=item(code="door_open", kind="free", category=None, name_zh="代开门",
                                             name_en="Door opening", price="0", cost="5.00", ceiling=None))
    own = client.post(URL, headers=manager, json=item(estate_id=place["estate"])).json
    assert own["price"] == "60.00" and own["materials"] == [{"name": "水龙头", "quantity": "1.00", "unit": "个"}]
    catalogue = client.get(URL, headers=manager, query_string={"estate_id": place["estate"]}).json
    assert {(i["code"], i["price"], i["estate_id"]) for i in catalogue} == {
        ("tap_replace", "60.00", place["estate"]), ("door_open", "0.00", None)}
    free = client.get(URL, headers=manager, query_string={"kind": "free"}).json
    assert [i["code"] for i in free] == ["door_open"]
    assert client.post(URL, headers=manager, json=item(estate_id=place["estate"])).status_code == 409


def test_a_price_above_the_ceiling_is_422_and_nothing_is_stored(client, db, manager, place) -> None:
    refused = client.post(URL, headers=manager, json=item(estate_id=place["estate"], price="88.00"))
    assert refused.status_code == 422
    assert refused.json["detail"] == "the price 88.00 is above the government's standard (80.00)"
    assert refused.json["errors"] == {"price": ["88.00 is above the government's standard of 80.00"]}
    in_chinese = client.post(URL, headers={**manager, "Accept-Language": "zh-CN"},
                             json=item(estate_id=place["estate"], price="88.00"))
    assert in_chinese.json["detail"] == "价格 88.00 元高于政府规定的收费标准（80.00 元）"
    assert count(db) == 0
    made = client.post(URL, headers=manager, json=item(estate_id=place["estate"])).json
    raised = client.patch(f"{URL}/{made['id']}", headers=manager, json={"price": "80.01"})
    assert raised.status_code == 422 and "政府" not in raised.json["detail"]
    lowered = client.patch(f"{URL}/{made['id']}", headers=manager, json={"ceiling": "50.00"})
    assert lowered.status_code == 422
    again = client.get(f"{URL}/{made['id']}", headers=manager).json
    assert (again["price"], again["ceiling"], again["version"]) == ("60.00", "80.00", 1)
    assert client.patch(f"{URL}/{made['id']}", headers=manager, json={"price": "80.00"}).json["version"] == 2


@pytest.mark.parametrize("body", [item(price="40.00"), item(kind="free", price="1.00", ceiling=None),
                                  item(price="12.345"), item(price="１２"), item(price=True)])
def test_a_price_below_cost_a_free_service_with_a_price_or_an_inexact_number_is_422(client, db, manager, place,
                                                                                   body) -> None:
    assert client.post(URL, headers=manager, json={**body, "estate_id": place["estate"]}).status_code == 422
    assert count(db) == 0


def test_a_bundle_holds_single_services_of_its_catalogue(client, manager, place) -> None:
    estate = place["estate"]
    client.post(URL, headers=manager, json=item(estate_id=estate))
    client.post(URL, headers=manager, json=item(estate_id=estate, code="pipe_clear", name_zh="疏通管道",
                                                name_en="Clear a pipe", price="150.00", cost="100.00", ceiling=None))
    bundle = client.post(URL, headers=manager, json=item(
        estate_id=estate, code="kitchen_care", name_zh="厨房保养套餐", name_en="Kitchen care bundle", price="180.00",
        cost="140.00", ceiling=None, contents=[{"code": "tap_replace"}, {"code": "pipe_clear", "quantity": "2"}]))
    assert bundle.status_code == 201, bundle.json
    assert bundle.json["contents"] == [{"code": "tap_replace", "quantity": "1.00"},
                                       {"code": "pipe_clear", "quantity": "2.00"}]
    nested = client.post(URL, headers=manager, json=item(estate_id=estate, code="big", ceiling=None,
                                                         contents=[{"code": "kitchen_care"}, {"code": "nothing"}]))
    assert nested.status_code == 422 and len(nested.json["errors"]["contents"]) == 2


def test_another_estates_item_is_404(client, auth, manager, place, other_place) -> None:
    made = client.post(URL, headers=manager, json=item(estate_id=place["estate"])).json
    outsider = auth("estate_manager", [other_place["estate"]])
    assert client.get(f"{URL}/{made['id']}", headers=outsider).status_code == 404
    assert client.patch(f"{URL}/{made['id']}", headers=outsider, json={"price": "61.00"}).status_code == 404
    assert client.post(URL, headers=outsider, json=item(estate_id=place["estate"])).status_code == 404
    assert client.get(URL, headers=outsider).json == []
