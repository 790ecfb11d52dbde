"""Waves over HTTP (SRV-1): a wave per estate and period samples the occupied households of surveys'
copy (the share per building, rounded up), stores each with its reason and the seed that draws it
again; the next period's wave asks other households; bad input is a 4xx that stores nothing."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from servicekit.testing import count_rows
from surveys.domain.questionnaires import DEFAULT_VERSION_ID
from surveys.domain.sampling import sample
from surveys.households.views import occupied_households
from surveys.tables import outbox, wave_households, waves
from surveys.waves.views import earlier_samples


def _open(client, headers, estate, period="2026-Q4", **more):  # noqa: ANN001, ANN202
    return client.post("/api/v1/waves", json={"estate_id": str(estate.id), "period": period,
                                               "opens_on": "2026-10-08", **more}, headers=headers)


def _sample(client, headers, wave_id) -> list[dict]:  # noqa: ANN001
    return client.get(f"/api/v1/waves/{wave_id}/sample?page_size=100", headers=headers).json["items"]


def test_a_wave_samples_a_fifth_of_each_buildings_occupied_households_and_says_why(
        client, auth, db, seeded) -> None:
    estate = seeded(buildings=3, units_each=12, moved_out=2)  # 10 occupied households per building
    manager = auth("estate_manager", [str(estate.id)])
    opened = _open(client, manager, estate)
    assert opened.status_code == 201, opened.json
    wave = opened.json
    assert (wave["households"], wave["sampled"], wave["percent"], wave["lookback"]) == (30, 6, 20, 4)
    assert wave["questionnaire_version_id"] == str(DEFAULT_VERSION_ID) and wave["closes_on"] == "2026-12-31"
    picked = _sample(client, manager, wave["id"])
    assert [p["building_name"] for p in picked] == ["1栋", "1栋", "2栋", "2栋", "3栋", "3栋"]
    assert {(p["reason"], p["waves_ago"], p["quota"], p["building_households"]) for p in picked} == {
        ("not_sampled_recently", None, 2, 10)}
    with db.connect() as conn:
        sent = [json.loads(r.body) for r in conn.execute(select(outbox.table))]
    assert [e["type"] for e in sent] == ["surveys.wave.opened.v1"] + ["surveys.invitation.sent.v1"] * 6
    assert sent[0]["data"]["sampled"] == 6
    assert {e["data"]["unit_id"] for e in sent[1:]} == {p["unit_id"] for p in picked}

    # The recorded seed draws the same sample again from the same households.
    with Session(db) as session:
        households = occupied_households(session, estate.id, date(2026, 10, 8))
        again = sample(households, [], percent=20, seed=wave["seed"])
    assert {str(p.unit_id) for p in again} == {p["unit_id"] for p in picked}


def test_the_next_periods_wave_asks_other_households(client, auth, db, seeded) -> None:
    estate = seeded(buildings=2, units_each=10)
    manager = auth("estate_manager", [str(estate.id)])
    first = _open(client, manager, estate, "2026-Q3", opens_on="2026-07-08").json
    second = _open(client, manager, estate, "2026-Q4", percent=30).json
    asked_before = {p["unit_id"] for p in _sample(client, manager, first["id"])}
    asked_now = _sample(client, manager, second["id"])
    assert len(asked_now) == 6 and not asked_before & {p["unit_id"] for p in asked_now}
    with Session(db) as session:
        latest = earlier_samples(session, estate.id, 4)
    assert [{str(u) for u in s} for s in latest] == [{p["unit_id"] for p in asked_now}, asked_before]


def test_one_wave_per_estate_and_period(client, auth, db, estate) -> None:
    manager = {**auth("estate_manager", [str(estate.id)]), "Accept-Language": "zh-CN"}
    assert _open(client, manager, estate).status_code == 201
    again = _open(client, manager, estate)
    assert again.status_code == 409 and "2026-Q4" in again.json["detail"]
    assert count_rows(db, waves) == 1


def test_a_retried_opening_with_its_key_opens_one_wave(client, auth, db, estate) -> None:
    keyed = {**auth("estate_manager", [str(estate.id)]), "Idempotency-Key": "wave-q4"}
    first, second = _open(client, keyed, estate), _open(client, keyed, estate)
    assert first.status_code == second.status_code == 201 and first.json["id"] == second.json["id"]


def test_bad_input_is_refused_and_nothing_is_stored(client, auth, db, seeded) -> None:
    estate, empty = seeded(), seeded(code="EMPTY", buildings=1, units_each=2, moved_out=2)
    manager = auth("estate_manager", [str(estate.id), str(empty.id)])
    draft = client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(estate.id)},
                        headers=manager).json
    other = client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(empty.id)},
                        headers=manager).json
    client.post(f"/api/v1/questionnaires/{other['id']}/publication", headers=manager)
    refused = {
        "period": _open(client, manager, estate, "2026-Q5"),
        "closes_on": _open(client, manager, estate, closes_on="2026-10-01"),
        "percent": _open(client, manager, estate, percent=0),
        "draft questionnaire": _open(client, manager, estate, questionnaire_id=draft["id"]),
        "another estate's questionnaire": _open(client, manager, estate, questionnaire_id=other["id"]),
        "no occupied household": _open(client, manager, empty),
    }
    assert {what: a.status_code for what, a in refused.items()} == dict.fromkeys(refused, 422)
    assert "nobody to ask" in refused["no occupied household"].json["detail"]
    assert count_rows(db, waves) == 0 and count_rows(db, wave_households) == 0


def test_a_published_questionnaire_of_the_estate_is_asked(client, auth, estate) -> None:
    manager = auth("estate_manager", [str(estate.id)])
    made = client.post("/api/v1/questionnaires/default/copies", json={"estate_id": str(estate.id)},
                       headers=manager).json
    published = client.post(f"/api/v1/questionnaires/{made['id']}/publication", headers=manager).json
    wave = _open(client, manager, estate, questionnaire_id=made["id"])
    assert wave.status_code == 201
    assert wave.json["questionnaire_version_id"] == published["versions"][0]["id"]
