"""Questionnaires (SRV-2): their questions, what makes a set of questions valid, and the built-in
default questionnaire on the nine elements of high-standard service.

A questionnaire's questions are plain data (kept as JSON in a version's row), each a mapping::

    {"code": "attitude", "kind": "scale", "min": 1, "max": 5, "comment": True, "required": True,
     "element": "attitude", "text": {"zh-CN": "服务态度是否热情？", "en": "Is the staff's attitude warm?"}}

``kind`` is ``scale`` (an integer from ``min`` to ``max``, optionally with a comment), ``choice``
(one of ``options``, each ``{"code", "text": {"zh-CN", "en"}}``) or ``text`` (free text). A scale
question on one of the nine elements names it in ``element``: statistics are per element.

The built-in default has no row: its id and its version's id are uuid5 of fixed names, stable
across processes and releases, so answers to it always name the same questions. Changing its
questions means a new built-in version (a new name, a new id), never editing this one.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

LANGUAGES = ("zh-CN", "en")
KINDS = ("scale", "choice", "text")
MAX_QUESTIONS = 60
MAX_SCALE = 10
MAX_TEXT = 500

NAMESPACE = uuid.UUID("3f6a1d2e-9c47-4b8a-8e15-0d2c7b9a4e61")  # surveys' built-ins; never change it
DEFAULT_CODE = "nine_elements"
DEFAULT_ID = uuid.uuid5(NAMESPACE, f"questionnaire:{DEFAULT_CODE}")
DEFAULT_VERSION_ID = uuid.uuid5(NAMESPACE, f"questionnaire:{DEFAULT_CODE}:1")

# The nine elements of high-standard service (优质服务的九要素), in the textbook's order:
# code, the element in Chinese, in English, and the question asked about it.
ELEMENTS: tuple[tuple[str, str, str, str, str], ...] = (
    ("attitude", "热情", "attitude", "工作人员的服务态度是否热情？", "Is the staff's attitude warm and friendly?"),
    ("equipment", "完好", "equipment", "公共设施设备是否完好？",
     "Are the common facilities and equipment in good order?"),
    ("skills", "娴熟", "skills", "工作人员的业务技能是否娴熟？", "Are the staff skilled at their work?"),
    ("services", "齐全", "range of services", "服务项目是否齐全？", "Is the range of services complete?"),
    ("flexibility", "灵活", "flexibility", "服务方式是否灵活？", "Is the service flexible to your needs?"),
    ("procedures", "规范", "procedures", "服务流程是否规范？", "Are the procedures followed properly?"),
    ("fees", "合理", "fees", "收费是否合理？", "Are the fees reasonable?"),
    ("rules", "健全", "rules", "管理制度是否健全？", "Are the estate's rules sound and complete?"),
    ("efficiency", "快速", "efficiency", "服务响应是否快速？", "Is the service quick to respond?"),
)
ELEMENT_CODES = tuple(code for code, *_ in ELEMENTS)
OVERALL = "overall"
FREE_TEXT = "remarks"


class QuestionError(ValueError):
    """A set of questions that is not valid: ``errors`` maps a question's position to what is wrong,
    ``en`` / ``zh`` say it in a sentence."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("the questions are not valid")
        self.errors = errors


def default_questions() -> list[dict[str, Any]]:
    """The default questionnaire: the nine elements on 1-5 with an optional comment, an overall
    score and a free text."""
    questions = [{"code": code, "kind": "scale", "min": 1, "max": 5, "comment": True, "required": True,
                  "element": code, "text": {"zh-CN": f"{zh_question}（{zh}）", "en": en_question}}
                 for code, zh, _en, zh_question, en_question in ELEMENTS]
    questions.append({"code": OVERALL, "kind": "scale", "min": 1, "max": 5, "comment": False, "required": True,
                      "text": {"zh-CN": "您对物业服务的总体满意度？",
                               "en": "Overall, how satisfied are you with the service?"}})
    questions.append({"code": FREE_TEXT, "kind": "text", "required": False,
                      "text": {"zh-CN": "您还有什么意见或建议？", "en": "Anything else you would like to tell us?"}})
    return questions


DEFAULT_NAMES = {"zh-CN": "业户满意度调查（优质服务九要素）", "en": "Owners' satisfaction survey (the nine elements)"}

# The short question after a resolved ticket (SRV-5): satisfied or not, 1-5, a comment. Built in too.
TICKET_CODE = "after_ticket"
TICKET_VERSION_ID = uuid.uuid5(NAMESPACE, f"questionnaire:{TICKET_CODE}:1")
SATISFIED, COMMENT = "satisfied", "comment"


def ticket_questions() -> list[dict[str, Any]]:
    """The per-ticket question: satisfied (yes or no), an overall score 1-5 and a comment."""
    return [
        {"code": SATISFIED, "kind": "choice", "required": True,
         "text": {"zh-CN": "您对本次服务是否满意？", "en": "Are you satisfied with how your request was handled?"},
         "options": [{"code": "yes", "text": {"zh-CN": "满意", "en": "satisfied"}},
                     {"code": "no", "text": {"zh-CN": "不满意", "en": "not satisfied"}}]},
        {"code": OVERALL, "kind": "scale", "min": 1, "max": 5, "comment": False, "required": True,
         "text": {"zh-CN": "请为本次服务打分（1-5分）", "en": "How would you score it, from 1 to 5?"}},
        {"code": COMMENT, "kind": "text", "required": False,
         "text": {"zh-CN": "您的意见或建议", "en": "Anything you would like to tell us"}},
    ]


def check_questions(questions: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The questions, normalised (defaults filled in), or :class:`QuestionError` naming each wrong one."""
    errors: dict[str, list[str]] = {}
    if not questions:
        errors["questions"] = ["at least one question"]
    if len(questions) > MAX_QUESTIONS:
        errors["questions"] = [f"at most {MAX_QUESTIONS} questions"]
    seen: set[str] = set()
    normal = []
    for position, question in enumerate(questions):
        found = _question_errors(question, seen)
        if found:
            errors[str(position)] = found
        else:
            normal.append(_normal(question))
        seen.add(str(question.get("code")))
    if errors:
        raise QuestionError(errors)
    return normal


def _question_errors(question: Mapping[str, Any], seen: set[str]) -> list[str]:
    found = []
    code, kind = question.get("code"), question.get("kind")
    if not isinstance(code, str) or not code.strip():
        found.append("code: a name for the question")
    elif code in seen:
        found.append(f"code: {code!r} is used twice")
    if kind not in KINDS:
        found.append(f"kind: one of {', '.join(KINDS)}")
    found += _text_errors(question.get("text"), "text")
    if kind == "scale":
        low, high = question.get("min", 1), question.get("max", 5)
        if not (_integer(low) and _integer(high) and 0 <= low < high <= MAX_SCALE):
            found.append(f"min, max: whole numbers, 0 <= min < max <= {MAX_SCALE}")
    if question.get("element") is not None and (kind != "scale" or question["element"] not in ELEMENT_CODES):
        found.append(f"element: a scale question on one of {', '.join(ELEMENT_CODES)}")
    if kind == "choice":
        options = question.get("options")
        if not isinstance(options, list) or len(options) < 2:
            found.append("options: at least two")
        else:
            codes = [o.get("code") if isinstance(o, Mapping) else None for o in options]
            if any(not isinstance(c, str) or not c for c in codes) or len(set(codes)) != len(codes):
                found.append("options: each with a code of its own")
            for option in options:
                found += _text_errors(option.get("text") if isinstance(option, Mapping) else None, "options.text")
    return found


def _text_errors(text: Any, where: str) -> list[str]:
    if not isinstance(text, Mapping) or any(not isinstance(text.get(lang), str) or not text[lang].strip()
                                            for lang in LANGUAGES):
        return [f"{where}: in zh-CN and en"]
    if any(len(text[lang]) > MAX_TEXT for lang in LANGUAGES):
        return [f"{where}: at most {MAX_TEXT} characters"]
    return []


def _integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _normal(question: Mapping[str, Any]) -> dict[str, Any]:
    kind = question["kind"]
    normal: dict[str, Any] = {"code": question["code"], "kind": kind, "required": bool(question.get("required", True)),
                              "text": {lang: question["text"][lang] for lang in LANGUAGES}}
    if kind == "scale":
        normal |= {"min": question.get("min", 1), "max": question.get("max", 5),
                   "comment": bool(question.get("comment", False))}
        if question.get("element") is not None:
            normal["element"] = question["element"]
    if kind == "choice":
        normal["options"] = [{"code": o["code"], "text": {lang: o["text"][lang] for lang in LANGUAGES}}
                             for o in question["options"]]
    return normal
