"""When an answer asks for a follow-up visit, whom it goes to, and how an action moves (SRV-4)."""

from __future__ import annotations

import uuid

import pytest

from surveys.domain.follow_ups import (
    DEFAULT_LOW_SCORE,
    StateError,
    complaint_words,
    reasons,
    threshold,
    transition,
    visitor,
)
from surveys.domain.questionnaires import default_questions, ticket_questions

DEFAULT_QUESTIONS = default_questions()


def _items(**scores: int) -> dict:
    return {code: {"score": score} for code, score in scores.items()}


def test_a_score_at_or_below_the_default_threshold_asks_for_a_visit_and_above_it_does_not() -> None:
    assert DEFAULT_LOW_SCORE == 2
    found = reasons(DEFAULT_QUESTIONS, _items(attitude=2, equipment=3, overall=1), {})
    assert [(r["kind"], r["element"], r["score"], r["threshold"]) for r in found] == [
        ("low_score", "attitude", 2, 2), ("low_score", "overall", 1, 2)]
    assert reasons(DEFAULT_QUESTIONS, _items(attitude=3, equipment=5, overall=3), {}) == []


def test_the_estate_s_threshold_of_an_element_comes_before_every_element_s_and_the_operator_s() -> None:
    set_ = {("operator", "*"): 1, ("operator", "fees"): 4, ("estate", "*"): 3, ("estate", "attitude"): 0}
    assert threshold(set_, "attitude") == 0  # the estate's own for the element
    assert threshold(set_, "fees") == 3  # the estate's every-element before the operator's element
    assert threshold({("operator", "*"): 1, ("operator", "fees"): 4}, "fees") == 4
    assert threshold({("operator", "*"): 1}, "skills") == 1
    assert threshold({}, "skills") == DEFAULT_LOW_SCORE
    found = reasons(DEFAULT_QUESTIONS, _items(attitude=1, fees=3, skills=4), set_)
    assert [r["element"] for r in found] == ["fees"]  # attitude never (0), fees 3 <= 3, skills 4 > 3


@pytest.mark.parametrize(("text", "words"), [
    ("电梯坏了三天没人管，我要投诉", ["投诉", "没人管"]),
    ("The lobby is DIRTY and nobody came", ["nobody came", "dirty"]),
    ("前台很热情，谢谢", []),
    ("Great service, thank you", []),
])
def test_complaint_words_are_found_in_either_language_whatever_the_case(text: str, words: list[str]) -> None:
    assert sorted(complaint_words(text)) == sorted(words)


def test_a_complaint_in_a_comment_or_the_free_text_asks_for_a_visit_whatever_the_scores() -> None:
    items = {**_items(attitude=5, overall=4), "equipment": {"score": 4, "comment": "车库漏水一直没修"},
             "remarks": {"text": "I want to complain about the noise"}}
    found = reasons(DEFAULT_QUESTIONS, items, {})
    assert [(r["kind"], r["code"], r["words"]) for r in found] == [
        ("complaint", "equipment", ["漏水"]), ("complaint", "remarks", ["complain"])]


def test_an_owner_not_satisfied_after_a_ticket_asks_for_a_visit() -> None:
    unhappy = {"satisfied": {"choice": "no"}, "overall": {"score": 3}}
    assert [r["kind"] for r in reasons(ticket_questions(), unhappy, {})] == ["not_satisfied"]
    assert reasons(ticket_questions(), {"satisfied": {"choice": "yes"}, "overall": {"score": 4}}, {}) == []


def test_the_visit_goes_to_the_building_s_staff_first_then_the_estate_s_the_least_loaded_of_them() -> None:
    building, other = uuid.uuid4(), uuid.uuid4()
    wang, li, zhao, qian = (uuid.uuid4() for _ in range(4))
    candidates = [{"id": wang, "name": "王", "building_id": None, "open": 0},
                  {"id": li, "name": "李", "building_id": building, "open": 3},
                  {"id": zhao, "name": "赵", "building_id": building, "open": 1},
                  {"id": qian, "name": "钱", "building_id": other, "open": 0}]
    assert visitor(candidates, building)["id"] == zhao
    assert visitor(candidates, other)["id"] == qian
    assert visitor(candidates, uuid.uuid4())["id"] == wang  # no one of that building: the estate's
    assert visitor([candidates[3]], building) is None  # only another building's: nobody


def test_an_action_goes_open_done_verified_or_back_to_open_and_nothing_else() -> None:
    assert transition("open", "done") == "done"
    assert transition("done", "verified") == "verified"
    assert transition("done", "reopened") == "open"
    for state, to in (("open", "verified"), ("open", "reopened"), ("verified", "reopened"), ("verified", "done"),
                      ("done", "done"), ("open", "cancelled")):
        with pytest.raises(StateError):
            transition(state, to)
