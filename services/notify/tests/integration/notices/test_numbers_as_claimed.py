"""Numbers are what they claim to be in notify too (issue 15, through servicekit's input guards): a
notice sent as a form or an empty body is a 400, a page size in full-width digits a 422, and a list
entry's full-width mobile is stored as ASCII digits."""

from notify.tables import notices

from .test_notices_api import body


def test_a_notice_that_is_not_json_is_a_400_and_nothing_is_stored(client, auth, world, count):
    world.template()
    for kwargs in ({"data": "", "content_type": "application/json"},
                   {"data": "title=x", "content_type": "application/x-www-form-urlencoded"}, {}):
        answer = client.post("/api/v1/notices", headers=auth(), **kwargs)
        assert answer.status_code == 400 and answer.mimetype == "application/problem+json", kwargs
    assert count(notices) == 0


def test_a_page_number_in_other_digits_is_a_422(client, auth, world):
    assert client.get(f"/api/v1/notices?estate_id={world.estate_id}&page_size=20", headers=auth()).status_code == 200
    for size in ("２０", "2.5", "1_0"):
        answer = client.get(f"/api/v1/notices?estate_id={world.estate_id}&page_size={size}", headers=auth())
        assert answer.status_code == 422 and list(answer.json["errors"]["query"]) == ["page_size"], size


def test_a_list_entrys_full_width_mobile_is_stored_as_ascii(client, auth, db, world):
    template = world.template()
    audience = {"list": [{"name": "王芳", "mobile": "１３８００００００１１"}]}
    answer = client.post("/api/v1/notices", json=body(world, template, audience=audience, channels=["sms"]),
                         headers=auth())
    assert answer.status_code in (201, 202), answer.json
    with db.connect() as conn:
        [stored] = conn.execute(notices.select()).mappings().all()
    assert stored["audience"]["list"][0]["mobile"] == "13800000011"
