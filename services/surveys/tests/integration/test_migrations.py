"""The migrations: the waves closed before wave_figures existed have their figures kept by the
revision that makes it, the same as the closing keeps them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from alembic import command
from sqlalchemy import insert
from sqlalchemy.orm import Session

from servicekit.db import make_engine
from servicekit.migrate import alembic_config, upgrade
from surveys.domain.questionnaires import DEFAULT_VERSION_ID
from surveys.service import SERVICE
from surveys.statistics import views
from surveys.tables import answer_scores, answers, buildings, estates, invitations, waves


def _wave(estate: uuid.UUID, period: str, state: str) -> dict:
    at = datetime(2026, 7, 1, tzinfo=UTC)
    return {"id": uuid.uuid4(), "estate_id": estate, "period": period, "questionnaire_version_id": DEFAULT_VERSION_ID,
            "percent": 20, "lookback": 4, "seed": 1, "households": 10, "sampled": 2, "opens_on": date(2026, 7, 1),
            "closes_on": date(2026, 9, 30), "opens_at": at, "closes_at": at, "invited_at": at, "reminder_days": [],
            "state": state, "opened_by": "test", "opened_at": at, "version": 1}


def _answered(estate: uuid.UUID, wave_id: uuid.UUID, building: uuid.UUID | None, channel: str,
              scores: dict[str, int]) -> tuple[dict, dict, list[dict]]:
    at = datetime(2026, 7, 2, tzinfo=UTC)
    invitation = {"id": uuid.uuid4(), "estate_id": estate, "purpose": "wave", "wave_id": wave_id,
                  "person_id": uuid.uuid4(), "questionnaire_version_id": DEFAULT_VERSION_ID, "expires_at": at,
                  "state": "answered", "sent_at": at, "answered_at": at, "version": 2}
    answer = {"id": uuid.uuid4(), "invitation_id": invitation["id"], "estate_id": estate, "wave_id": wave_id,
              "building_id": building, "questionnaire_version_id": DEFAULT_VERSION_ID, "channel": channel,
              "items": {}, "state": "submitted", "started_at": at, "submitted_at": at}
    return invitation, answer, [{"answer_id": answer["id"], "code": code, "estate_id": estate, "wave_id": wave_id,
                                 "element": None if code == "overall" else code, "building_id": building,
                                 "score": score} for code, score in scores.items()]


def test_the_waves_closed_before_have_their_figures_kept_by_the_migration(make_database) -> None:
    url = make_database()
    command.upgrade(alembic_config(SERVICE, url), "0009_invitations_by_person")
    engine = make_engine(url)
    estate, building = uuid.uuid4(), uuid.uuid4()
    closed, running = _wave(estate, "2026-Q3", "closed"), _wave(estate, "2026-Q4", "open")
    with engine.begin() as conn:  # rows as 0009 knew them: no kept figures
        conn.execute(insert(estates).values(id=estate, code="E", name="E", version=1))
        conn.execute(insert(buildings).values(id=building, estate_id=estate, code="1", name="1", version=1))
        conn.execute(insert(waves), [closed, running])
        for wave, in_building, channel, scores in (
                (closed, building, "link", {"attitude": 5, "fees": 2, "overall": 4}),
                (closed, building, "link", {"attitude": 3, "fees": 1, "overall": 3}),
                (closed, None, "suggestion_box", {"attitude": 1, "overall": 1}),
                (running, building, "link", {"attitude": 4})):
            invitation, answer, scored = _answered(estate, wave["id"], in_building, channel, scores)
            conn.execute(insert(invitations).values(invitation))
            conn.execute(insert(answers).values(answer))
            conn.execute(insert(answer_scores), scored)
    upgrade(SERVICE, url)
    with Session(engine) as session:
        kept = {w: views._wave_of(session.execute(views.ONE, {"wave_id": w}).mappings().first())[1]
                for w in (closed["id"], running["id"])}
        assert kept[closed["id"]] == views.counted(session, closed["id"])
        assert kept[running["id"]] is None  # open: added up when asked
    engine.dispose()
    found = kept[closed["id"]]
    assert (found.invited, found.answered, found.by_channel) == (3, 3, {"link": 2, "suggestion_box": 1})
    assert found.scores[building]["fees"].count == 2 and found.scores[None]["attitude"].total == 1
