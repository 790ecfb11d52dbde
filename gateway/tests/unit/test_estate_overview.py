"""The estate dashboard asks each service once, at once: surveys' latest wave comes with its statistics
and the follow-up work in one answer, so the dashboard waits for one round of three questions."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from gateway.overview import views
from gateway.overview.backends import Answer

WAVE = {"id": str(uuid.uuid4()), "period": "2026-Q4"}
STATISTICS = {"wave_id": WAVE["id"], "response_rate": "0.7500", "overall": {"answers": 3, "mean": "4.00"},
              "elements": [], "weakest": ["fees"], "trend": [], "below_estate_mean": [], "buildings": []}


def _asked(monkeypatch: pytest.MonkeyPatch, surveys: Answer) -> list[dict[str, Any]]:
    rounds: list[dict[str, Any]] = []

    def ask_all(questions, upstreams, headers, timeout):  # noqa: ANN001, ANN202
        rounds.append(dict(questions))
        found = {"tickets": Answer(200, {"open": 1}), "notices": Answer(200, {"notices": 0}), "surveys": surveys}
        return {name: found[name] for name in questions}

    monkeypatch.setattr(views, "ask_all", ask_all)
    return rounds


def _dashboard() -> dict[str, Any]:
    return views.estate_overview(uuid.uuid4(), {"surveys": "127.0.0.1:1"}, {}, 1.0, keep_seconds=0)


WORK = {"follow_ups": {"open": 1, "unassigned": 1}, "actions": {"open": 2, "overdue": 1}}


def test_surveys_part_is_one_question_of_one_round(monkeypatch) -> None:
    rounds = _asked(monkeypatch, Answer(200, {"wave": WAVE, "statistics": STATISTICS, **WORK}))
    board = _dashboard()
    assert len(rounds) == 1 and len(rounds[0]) == 3
    assert [q.service for q in rounds[0].values()].count("surveys") == 1
    assert rounds[0]["surveys"].path == "/api/v1/at-a-glance"
    assert board["partial"] == [] and (board["follow_ups"], board["actions"]) == (WORK["follow_ups"], WORK["actions"])
    assert board["satisfaction"] == {"wave": WAVE, "response_rate": "0.7500", "overall": STATISTICS["overall"],
                                     "elements": [], "weakest": ["fees"], "trend": [], "below_estate_mean": []}


def test_before_the_first_wave_the_satisfaction_says_so(monkeypatch) -> None:
    _asked(monkeypatch, Answer(200, {"wave": None, "statistics": None, **WORK}))
    board = _dashboard()
    assert board["satisfaction"] == {"wave": None} and board["partial"] == []


@pytest.mark.parametrize("status", [None, 503])
def test_surveys_not_answering_is_named_and_the_rest_kept(monkeypatch, status) -> None:
    _asked(monkeypatch, Answer(status))
    board = _dashboard()
    assert board["partial"] == ["surveys"] and board["tickets"] == {"open": 1}
    assert (board["satisfaction"], board["follow_ups"], board["actions"]) == (None, None, None)
