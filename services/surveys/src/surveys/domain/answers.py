"""Answers to a questionnaire's version: what an answer may hold, and when it is complete.

An answer's items map a question's code to what was said::

    {"attitude": {"score": 4, "comment": "前台很热情"}, "parking": {"choice": "no"}, "remarks": {"text": "..."}}

A scale question takes a whole ``score`` from its ``min`` to its ``max`` (and a ``comment`` where
the question allows one), a choice question one of its options' codes, a text question a ``text``.
A partial answer may leave questions out; a submitted one must answer every required question.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MAX_TEXT = 2000
CHANNELS = ("link", "paper", "phone", "suggestion_box", "walk_in")  # SRV-7: how the answer came
STAFF_CHANNELS = CHANNELS[1:]


class AnswerError(ValueError):
    """Items that do not fit the questions: ``errors`` maps a question's code to what is wrong."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("the answer does not fit the questionnaire")
        self.errors = errors


def check_items(questions: Sequence[Mapping[str, Any]], items: Mapping[str, Any], *, complete: bool) -> dict[str, Any]:
    """``items`` normalised, or :class:`AnswerError` naming each wrong one (and, when ``complete``,
    each required question left out)."""
    by_code = {q["code"]: q for q in questions}
    errors: dict[str, list[str]] = {}
    normal: dict[str, Any] = {}
    for code, given in items.items():
        question = by_code.get(code)
        if question is None:
            errors[code] = ["no such question"]
            continue
        found, value = _item(question, given)
        if found:
            errors[code] = found
        elif value is not None:
            normal[code] = value
    if complete:
        for question in questions:
            if question.get("required", True) and question["code"] not in normal and question["code"] not in errors:
                errors[question["code"]] = ["an answer is required"]
    if errors:
        raise AnswerError(errors)
    return normal


def _item(question: Mapping[str, Any], given: Any) -> tuple[list[str], dict[str, Any] | None]:
    if not isinstance(given, Mapping):
        return ["an object"], None
    kind = question["kind"]
    if kind == "scale":
        score = given.get("score")
        low, high = question.get("min", 1), question.get("max", 5)
        if score is None:
            return [], None
        if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
            return [f"score: a whole number from {low} to {high}"], None
        value: dict[str, Any] = {"score": score}
        comment = given.get("comment")
        if comment not in (None, ""):
            if not question.get("comment") or not isinstance(comment, str) or len(comment) > MAX_TEXT:
                return [f"comment: text of at most {MAX_TEXT} characters, where the question takes one"], None
            value["comment"] = comment
        return [], value
    if kind == "choice":
        choice = given.get("choice")
        if choice is None:
            return [], None
        if choice not in {o["code"] for o in question.get("options", ())}:
            return ["choice: one of the question's options"], None
        return [], {"choice": choice}
    text = given.get("text")
    if text in (None, ""):
        return [], None
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        return [f"text: at most {MAX_TEXT} characters"], None
    return [], {"text": text}


def scores(questions: Sequence[Mapping[str, Any]], items: Mapping[str, Any]) -> list[tuple[str, str | None, int]]:
    """Each scored question of an answer: (its code, its element of the nine or None, the score)."""
    return [(q["code"], q.get("element"), items[q["code"]]["score"]) for q in questions
            if q["kind"] == "scale" and q["code"] in items and "score" in items[q["code"]]]
