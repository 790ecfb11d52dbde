"""The operator's duty contacts (集团值班): told when an escalation goes past every level of an
estate (issue 15: an escalation never reaches nobody). Only a caller who sees every estate keeps
the list; while it is empty, a configuration warning says such an escalation would reach nobody."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import sessionmaker

from notify.duty_contacts.metrics import collectors
from notify.tables import duty_contacts
from servicekit.testing import count_rows

URL = "/api/v1/duty-contacts"


def _warnings(db) -> dict[str, float]:  # noqa: ANN001
    [gauge] = collectors(sessionmaker(db))
    [family] = gauge.collect()
    return {s.labels["warning"]: s.value for s in family.samples}


def test_an_operator_admin_keeps_the_duty_contacts_and_the_warning_follows_them(client, auth, db) -> None:
    assert _warnings(db) == {"no_duty_contacts": 1.0, "staff_unreachable": 0.0}
    made = client.post(URL, json={"name": "集团值班 周敏", "mobile": "137 0000 0009"}, headers=auth())
    assert made.status_code == 201, made.json
    assert made.json["mobile"] != "13700000009" and made.json["mobile"].endswith("0009")  # masked
    with db.connect() as conn:
        assert conn.execute(duty_contacts.select()).one().mobile == "13700000009"  # normalised
    assert [c["name"] for c in client.get(URL, headers=auth()).json] == ["集团值班 周敏"]
    assert _warnings(db) == {"no_duty_contacts": 0.0, "staff_unreachable": 0.0}
    assert client.delete(f"{URL}/{made.json['id']}", headers=auth()).status_code == 204
    assert client.delete(f"{URL}/{made.json['id']}", headers=auth()).status_code == 404
    assert _warnings(db) == {"no_duty_contacts": 1.0, "staff_unreachable": 0.0}
    assert 'notify_configuration_warnings{warning="no_duty_contacts"}' in client.get("/metrics").get_data(as_text=True)


def test_bad_contacts_are_refused_in_both_languages_and_nothing_is_stored(client, auth, db) -> None:
    for body in ({"name": "值班"}, {"name": "值班", "mobile": "12345"}, {"name": "", "email": "a@b.example"},
                 {"name": "值班", "email": "not-an-address"}):
        answer = client.post(URL, json=body, headers={**auth(), "Accept-Language": "zh-CN"})
        assert answer.status_code == 422, (body, answer.json)
    assert count_rows(db, duty_contacts) == 0


def test_only_a_caller_who_sees_every_estate_may_see_or_change_them(client, auth, db) -> None:
    scoped = auth("operator_admin", [str(uuid.uuid4())])
    assert client.post(URL, json={"name": "值班", "mobile": "13700000009"}, headers=scoped).status_code == 422
    assert client.get(URL, headers=scoped).status_code == 422
    assert client.post(URL, json={"name": "值班", "mobile": "13700000009"},
                       headers=auth("estate_manager")).status_code == 403
    assert count_rows(db, duty_contacts) == 0
