"""The questionnaires' rules (SRV-2): the built-in default asks the nine elements on 1-5 with a
comment, an overall score and a free text, in zh-CN and English; a set of questions is checked as a
whole, each wrong question named."""

from __future__ import annotations

import pytest

from surveys.domain.questionnaires import (
    DEFAULT_ID,
    DEFAULT_VERSION_ID,
    ELEMENT_CODES,
    QuestionError,
    check_questions,
    default_questions,
)


def test_the_default_asks_the_nine_elements_an_overall_score_and_a_free_text() -> None:
    questions = default_questions()
    scales = [q for q in questions if q.get("element")]
    assert [q["element"] for q in scales] == list(ELEMENT_CODES) and len(scales) == 9
    assert all((q["min"], q["max"], q["comment"]) == (1, 5, True) for q in scales)
    assert [q["code"] for q in questions[9:]] == ["overall", "remarks"]
    assert all(q["text"]["zh-CN"] and q["text"]["en"] for q in questions)
    assert "热情" in scales[0]["text"]["zh-CN"] and "快速" in scales[-1]["text"]["zh-CN"]
    assert check_questions(questions) == questions  # the default passes its own rules


def test_the_default_keeps_its_ids_across_processes() -> None:
    assert DEFAULT_ID.version == 5  # uuid5 of a fixed name: the same in every process
    assert DEFAULT_VERSION_ID.version == 5 and DEFAULT_VERSION_ID != DEFAULT_ID


def _scale(code: str, **more) -> dict:
    return {"code": code, "kind": "scale", "text": {"zh-CN": "问", "en": "Q"}, **more}


@pytest.mark.parametrize(("questions", "where", "said"), [
    ([], "questions", "at least one question"),
    ([_scale("a"), _scale("a")], "1", "used twice"),
    ([_scale("a", min=3, max=2)], "0", "min, max"),
    ([_scale("a", max=11)], "0", "min, max"),
    ([_scale("a", element="parking")], "0", "element"),
    ([{"code": "a", "kind": "text", "text": {"zh-CN": "问"}}], "0", "in zh-CN and en"),
    ([{"code": "a", "kind": "choice", "text": {"zh-CN": "问", "en": "Q"},
       "options": [{"code": "y", "text": {"zh-CN": "是", "en": "yes"}}]}], "0", "at least two"),
    ([{"code": "a", "kind": "slider", "text": {"zh-CN": "问", "en": "Q"}}], "0", "kind"),
])
def test_a_wrong_question_is_named_with_what_is_wrong(questions, where, said) -> None:
    with pytest.raises(QuestionError) as wrong:
        check_questions(questions)
    assert said in " ".join(wrong.value.errors[where])


def test_questions_are_filled_with_their_defaults() -> None:
    checked = check_questions([_scale("a"), {"code": "b", "kind": "choice", "text": {"zh-CN": "问", "en": "Q"},
                                             "options": [{"code": "y", "text": {"zh-CN": "是", "en": "yes"}},
                                                         {"code": "n", "text": {"zh-CN": "否", "en": "no"}}]}])
    assert checked[0] == {**_scale("a"), "required": True, "min": 1, "max": 5, "comment": False}
    assert checked[1]["required"] is True and [o["code"] for o in checked[1]["options"]] == ["y", "n"]
