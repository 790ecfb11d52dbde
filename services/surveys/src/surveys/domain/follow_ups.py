"""Follow-up visits (回访) and rectification actions (整改措施), SRV-4: when an answer asks for one,
whom it goes to, and how an action moves until it is verified done.

**When.** A submitted answer opens a follow-up when

* a scored question's score is at or below its element's threshold: the estate's own threshold for
  the element, else the estate's for every element (``*``), else the operator's (the same two
  steps), else :data:`DEFAULT_LOW_SCORE` (2 on the 1–5 scale: "dissatisfied" and below); the
  overall score counts as the element ``overall``; or
* the owner answered "no" to "satisfied?" after a ticket; or
* a comment or free text names a complaint: one of :data:`COMPLAINT_WORDS` (zh-CN and English,
  case-insensitive), e.g. 投诉, 不满意, 漏水, "complain", "unacceptable". A list of words catches
  what owners write when they are unhappy; it misses irony and catches a few happy sentences ("no
  complaints"), so staff may also open a follow-up by hand for any answer (the staff flag, kind
  ``staff``), and a follow-up with a false alarm is closed by recording what the owner said.

**Whom.** The staff of the estate whose territory covers the answer's building come first, then
those whose territory is the whole estate; among them the one with the fewest open follow-ups
(then by name, for a stable choice). Nobody: the follow-up is opened unassigned, and that is a
warning and a metric, never silent.

**An action's states.** ``open`` → ``done`` (by the responsible person or the desk) → ``verified``
(by a manager: final); a done action found not done is ``reopened`` (state ``open`` again, with a
new due date if given, and its overdue reminder armed again).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

DEFAULT_LOW_SCORE = 2
EVERY_ELEMENT = "*"
OVERALL = "overall"
SATISFIED = "satisfied"  # the question after a ticket: "no" asks for a visit too

COMPLAINT_WORDS: tuple[str, ...] = (
    # zh-CN
    "投诉", "不满", "不满意", "太差", "很差", "差劲", "恶劣", "态度差", "没人管", "无人管", "不管", "不处理",
    "拖延", "推诿", "敷衍", "太慢", "漏水", "噪音", "脏", "乱收费", "维权", "曝光", "举报", "12345",
    # English
    "complain", "complaint", "unhappy", "dissatisfied", "unacceptable", "terrible", "awful", "rude",
    "ignored", "nobody came", "no one came", "too slow", "leak", "dirty", "overcharg",
)
_ENGLISH = re.compile(r"[a-z]")

ACTION_STATES = ("open", "done", "verified")
# transition -> (the states it leaves from, the state it reaches)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "done": (("open",), "done"),
    "verified": (("done",), "verified"),
    "reopened": (("done",), "open"),
}


def threshold(thresholds: Mapping[tuple[str, str], int], element: str) -> int:
    """The low-score threshold of ``element`` from ``thresholds`` keyed (scope, element), scope
    ``estate`` or ``operator`` and element a code or :data:`EVERY_ELEMENT`."""
    for key in (("estate", element), ("estate", EVERY_ELEMENT), ("operator", element), ("operator", EVERY_ELEMENT)):
        if key in thresholds:
            return thresholds[key]
    return DEFAULT_LOW_SCORE


def complaint_words(text: str) -> list[str]:
    """The complaint words :data:`COMPLAINT_WORDS` found in ``text`` (case-insensitive), in list order."""
    lowered = text.lower()
    return [word for word in COMPLAINT_WORDS if word in lowered]


def reasons(questions: Sequence[Mapping[str, Any]], items: Mapping[str, Any],
            thresholds: Mapping[tuple[str, str], int]) -> list[dict[str, Any]]:
    """Why an answer asks for a follow-up (empty: it does not): each low score and each comment or
    text naming a complaint, in the questionnaire's order."""
    found: list[dict[str, Any]] = []
    for question in questions:
        given = items.get(question["code"])
        if not isinstance(given, Mapping):
            continue
        if question["kind"] == "scale" and isinstance(given.get("score"), int):
            element = question.get("element") or question["code"]
            limit = threshold(thresholds, element)
            if given["score"] <= limit:
                found.append({"kind": "low_score", "code": question["code"], "element": element,
                              "score": given["score"], "threshold": limit})
        if question["kind"] == "choice" and question["code"] == SATISFIED and given.get("choice") == "no":
            found.append({"kind": "not_satisfied", "code": question["code"]})
        for field in ("comment", "text"):
            text = given.get(field)
            if isinstance(text, str) and (words := complaint_words(text)):
                found.append({"kind": "complaint", "code": question["code"], "words": words, "text": text[:200]})
    return found


def visitor(candidates: Sequence[Mapping[str, Any]], building_id: Any) -> Mapping[str, Any] | None:
    """Whom a follow-up in ``building_id`` goes to, of ``candidates`` (each: ``id``, ``name``,
    ``building_id`` of the territory, None for the whole estate, and ``open``: their open follow-ups)."""
    def order(c: Mapping[str, Any]) -> tuple[int, int, str, str]:
        whole_estate = 1 if c["building_id"] is None else 0
        return (whole_estate, c["open"], c["name"] or "", str(c["id"]))

    covering = [c for c in candidates if c["building_id"] is None or c["building_id"] == building_id]
    return min(covering, key=order) if covering else None


class StateError(ValueError):
    """A transition an action's state does not allow."""


def transition(state: str, to: str) -> str:
    """The state an action in ``state`` reaches by ``to``, or :class:`StateError`."""
    if to not in TRANSITIONS:
        raise StateError(f"no such transition: {to}")
    leaves, reaches = TRANSITIONS[to]
    if state not in leaves:
        raise StateError(f"an action {state} cannot be {to}")
    return reaches
