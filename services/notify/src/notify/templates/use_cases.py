"""What managers and the operator do with templates: add, change, remove. A template is the
operator's (no estate, for every estate) or an estate's own. Each text is zh-CN (required) and
optionally English, and uses only the variables the template declares and the built-in ones
(name, unit, estate)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import delete, insert, select, update

from notify.tables import estates, notices, templates
from notify.templates.bounds import check_template_body
from notify.templates.rendering import BUILTIN_VARIABLES, DEFAULT_LANGUAGE, LANGUAGES, UnknownVariable, variables_in
from servicekit.errors import Conflict, Invalid, Message
from servicekit.rows import get_row, write
from servicekit.unit_of_work import UnitOfWork

_TAKEN = Message("this estate (or the operator) has a template of this code already",
                 "该小区（或运营方）已有此代码的模板")


def check_texts(texts: Any, variables: list[str]) -> dict[str, dict[str, str]]:
    """The texts, checked: zh-CN present, known languages only, a body each (at most what the longest
    channel carries: notify.templates.bounds), known variables only."""
    if not isinstance(texts, Mapping) or DEFAULT_LANGUAGE not in texts:
        raise Invalid("a template needs its zh-CN text", "模板必须有中文内容", errors={"texts": ["zh-CN is required"]})
    unknown = sorted(set(texts) - set(LANGUAGES))
    if unknown:
        raise Invalid("unknown language", "不支持的语言", errors={"texts": [f"unknown language {', '.join(unknown)}"]})
    known = BUILTIN_VARIABLES | set(variables)
    checked = {}
    for language, text in texts.items():
        if not isinstance(text, Mapping) or not isinstance(text.get("body"), str) or not text["body"].strip():
            raise Invalid("every text needs a body", "每种语言的内容都需要正文",
                          errors={f"texts.{language}": ["body is required"]})
        subject = text.get("subject") or ""
        if not isinstance(subject, str) or len(subject) > 300:
            raise Invalid("the subject is at most 300 characters", "标题最多300个字符",
                          errors={f"texts.{language}": ["subject"]})
        check_template_body(language, text["body"])
        for part, value in (("subject", subject), ("body", text["body"])):
            missing = [n for n in variables_in(value) if n not in known]
            if missing:
                raise UnknownVariable.naming(missing, f"texts.{language}.{part}")
        checked[language] = {"subject": subject, "body": text["body"]}
    return checked


def add_template(uow: UnitOfWork, data: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    variables = list(dict.fromkeys(data.get("variables") or []))
    row = {"id": uuid.uuid4(), "estate_id": data.get("estate_id"), "code": data["code"], "purpose": data["purpose"],
           "texts": check_texts(data["texts"], variables), "variables": variables,
           "sms_template_code": data.get("sms_template_code"), "created_at": at, "updated_at": at, "version": 1}
    with uow:
        if row["estate_id"] is not None and uow.execute(
                select(estates.c.id).where(estates.c.id == row["estate_id"])).first() is None:
            raise Invalid("no such estate", "没有此小区", errors={"estate_id": ["no such estate"]})
        if row["estate_id"] is None and uow.execute(select(templates.c.id).where(
                templates.c.estate_id.is_(None), templates.c.code == row["code"])).first():
            raise Conflict(_TAKEN.en, _TAKEN.zh)  # NULLs never clash in a unique key
        write(uow, insert(templates).values(row), conflict=_TAKEN)
        uow.commit()
        return row


def change_template(uow: UnitOfWork, template_id: UUID, changes: Mapping[str, Any], at: datetime) -> dict[str, Any]:
    with uow:
        current = get_row(uow, templates, template_id, "template", what_zh="模板", lock=True)
        values = {k: v for k, v in changes.items() if k in ("purpose", "texts", "variables", "sms_template_code")}
        variables = list(dict.fromkeys(values.get("variables", current["variables"])))
        values["texts"] = check_texts(values.get("texts", current["texts"]), variables)
        values["variables"] = variables
        values = {k: v for k, v in values.items() if current[k] != v}
        if values:
            values.update(updated_at=at, version=current["version"] + 1)
            uow.execute(update(templates).where(templates.c.id == template_id).values(values))
            uow.commit()
        return {**current, **values}


def remove_template(uow: UnitOfWork, template_id: UUID) -> None:
    with uow:
        get_row(uow, templates, template_id, "template", what_zh="模板", lock=True)
        if uow.execute(select(notices.c.id).where(notices.c.template_id == template_id).limit(1)).first():
            raise Conflict("notices use this template; it cannot be removed", "已有通知使用此模板，不能删除")
        uow.execute(delete(templates).where(templates.c.id == template_id))
        uow.commit()
