"""A notice's Composer renders once per distinct text and gives every recipient what compose gives them."""

from __future__ import annotations

import pytest

from notify.notices import composing
from notify.notices.composing import Composer, compose
from notify.templates.rendering import UnknownVariable

TEMPLATE = {"texts": {"zh-CN": {"subject": "缴费通知", "body": "${name}您好，请于${due_date}前缴纳物业费。"},
                      "en": {"subject": "Fees", "body": "Dear ${name}, please pay by ${due_date}."}}}
NAMELESS = {"texts": {"zh-CN": {"subject": "", "body": "请于${due_date}前缴纳物业费。"}}}


def _recipient(name: str, language: str = "zh-CN", **variables: object) -> dict[str, object]:
    return {"name": name, "language": language, "variables": {"name": name, "unit": "1-101", "estate": "阳光花园",
                                                               **variables}}


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    made: list[str] = []

    def counted(*args: object, **kwargs: object) -> dict[str, object]:
        made.append("x")
        return compose(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(composing, "compose", counted)
    return made


def test_each_recipient_gets_what_compose_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    people = [_recipient("张三"), _recipient("李四"), _recipient("张三"), _recipient("Ann", "en"),
              _recipient("王五", due_date="5月1日")]
    expected = [compose(TEMPLATE, {"due_date": "4月15日"}, r, channel, "阳光物业")
                for r in people for channel in ("sms", "email")]
    made = _counting(monkeypatch)
    composer = Composer(TEMPLATE, {"due_date": "4月15日"}, "阳光物业")
    assert [composer(r, channel) for r in people for channel in ("sms", "email")] == expected
    assert len(made) == 8  # 张三's two texts were rendered once each


def test_a_text_naming_no_one_is_rendered_once_for_everyone(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _counting(monkeypatch)
    composer = Composer(NAMELESS, {"due_date": "4月15日"}, "阳光物业")
    bodies = {composer(_recipient(f"业主{n}"), "sms")["body"] for n in range(1000)}
    assert bodies == {"请于4月15日前缴纳物业费。"}
    assert len(made) == 1


def test_a_value_and_its_absence_are_not_confused() -> None:
    composer = Composer(NAMELESS, {}, "阳光物业")
    assert composer(_recipient("甲", due_date=None), "sms")["body"] == "请于前缴纳物业费。"
    with pytest.raises(UnknownVariable):
        composer(_recipient("乙"), "sms")
