"""What callers can do with questionnaires: make one (or copy one, the built-in default included),
edit its draft, publish the draft. A published version never changes: editing after publishing
starts the next version's draft, so answers given to a version always name the questions they
answered."""

from __future__ import annotations

import uuid
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid
from servicekit.idempotency import KeyedRequest, once
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from surveys import events
from surveys.domain import questionnaires as domain
from surveys.questionnaires.views import BUILT_IN, latest_version
from surveys.tables import estates, idempotency_keys, questionnaire_versions, questionnaires


def _checked(questions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    try:
        return domain.check_questions(questions)
    except domain.QuestionError as wrong:
        raise Invalid("the questions are not valid", "问卷题目不正确", errors={"questions": wrong.errors}) from None


def _make(uow: UnitOfWork, *, estate_id: UUID | None, purpose: str, name_zh: str, name_en: str,
          questions: list[dict[str, Any]], created_by: str, copied_from: UUID | None) -> dict[str, Any]:
    if estate_id is not None and uow.execute(select(estates.c.id).where(estates.c.id == estate_id)).first() is None:
        raise Invalid("no such estate", "没有此小区", errors={"estate_id": ["no such estate"]})
    row = {"id": uuid.uuid4(), "estate_id": estate_id, "purpose": purpose, "name_zh": name_zh, "name_en": name_en,
           "copied_from": copied_from, "created_by": created_by, "created_at": now(), "version": 1}
    uow.execute(insert(questionnaires).values(row))
    draft = {"id": uuid.uuid4(), "questionnaire_id": row["id"], "estate_id": estate_id, "number": 1,
             "questions": _checked(questions), "published_at": None, "published_by": None}
    uow.execute(insert(questionnaire_versions).values(draft))
    return {**row, "versions": [draft]}


def create(uow: UnitOfWork, key: KeyedRequest | None, created_by: str, **data: Any) -> dict[str, Any]:
    """A new questionnaire with its first version as a draft (once per idempotency key)."""
    def make() -> dict[str, Any]:
        return _make(uow, created_by=created_by, copied_from=None, **data)

    row, _ = once(uow, idempotency_keys, key, make=make, answer_of=lambda r: str(r["id"]),
                  earlier=lambda id_: _earlier(uow, UUID(id_)))
    return row


def copy(uow: UnitOfWork, key: KeyedRequest | None, source_id: UUID | None, created_by: str, *,
         estate_id: UUID | None, name_zh: str | None = None, name_en: str | None = None) -> dict[str, Any]:
    """A new questionnaire whose draft holds the questions of ``source_id``'s latest version (None:
    the built-in default), for the operator (``estate_id`` None) or an estate."""
    def make() -> dict[str, Any]:
        if source_id is None:
            source, questions = BUILT_IN, BUILT_IN["versions"][0]["questions"]
        else:
            source = get_row(uow, questionnaires, source_id, "questionnaire", what_zh="问卷")
            questions = latest_version(uow, source_id)["questions"]
        names = {"name_zh": name_zh or f"{source['name_zh']}（副本）",
                 "name_en": name_en or f"{source['name_en']} (copy)"}
        return _make(uow, estate_id=estate_id, purpose=source["purpose"], questions=questions,
                     created_by=created_by, copied_from=source["id"], **names)

    row, _ = once(uow, idempotency_keys, key, make=make, answer_of=lambda r: str(r["id"]),
                  earlier=lambda id_: _earlier(uow, UUID(id_)))
    return row


def edit(uow: UnitOfWork, questionnaire_id: UUID, *, questions: list[dict[str, Any]],
         name_zh: str | None = None, name_en: str | None = None) -> dict[str, Any]:
    """Change the draft's questions (and the names): the draft if there is one, else a new draft
    numbered after the last published version, which stays as it is."""
    with uow:
        row = get_row(uow, questionnaires, questionnaire_id, "questionnaire", what_zh="问卷", lock=True)
        checked, last = _checked(questions), latest_version(uow, questionnaire_id)
        if last["published_at"] is None:
            uow.execute(update(questionnaire_versions).where(questionnaire_versions.c.id == last["id"])
                        .values(questions=checked))
        else:
            uow.execute(insert(questionnaire_versions).values(
                id=uuid.uuid4(), questionnaire_id=questionnaire_id, estate_id=row["estate_id"],
                number=last["number"] + 1, questions=checked))
        names = {k: v for k, v in {"name_zh": name_zh, "name_en": name_en}.items() if v}
        uow.execute(update(questionnaires).where(questionnaires.c.id == questionnaire_id)
                    .values(version=row["version"] + 1, **names))
        answer = _earlier(uow, questionnaire_id)
        uow.commit()
        return answer


def publish(uow: UnitOfWork, questionnaire_id: UUID, published_by: str) -> dict[str, Any]:
    """Publish the draft: from now on its questions never change, and waves may ask them."""
    with uow:
        row = get_row(uow, questionnaires, questionnaire_id, "questionnaire", what_zh="问卷", lock=True)
        last = latest_version(uow, questionnaire_id)
        if last["published_at"] is not None:
            raise Conflict(f"version {last['number']} is published already; edit the questionnaire for a new draft",
                           f"第 {last['number']} 版已发布；修改问卷会生成新的草稿")
        published = {**last, "published_at": now(), "published_by": published_by}
        uow.execute(update(questionnaire_versions).where(questionnaire_versions.c.id == last["id"])
                    .values(published_at=published["published_at"], published_by=published_by))
        row = {**row, "version": row["version"] + 1}
        uow.execute(update(questionnaires).where(questionnaires.c.id == questionnaire_id)
                    .values(version=row["version"]))
        uow.record(events.QUESTIONNAIRE_PUBLISHED, questionnaire_id,
                   events.questionnaire_published_payload(row, published))
        answer = _earlier(uow, questionnaire_id)
        uow.commit()
        return answer


def _earlier(uow: UnitOfWork, questionnaire_id: UUID) -> dict[str, Any]:
    row = dict(uow.execute(select(questionnaires).where(questionnaires.c.id == questionnaire_id)).mappings().one())
    versions = uow.execute(select(questionnaire_versions)
                           .where(questionnaire_versions.c.questionnaire_id == questionnaire_id)
                           .order_by(questionnaire_versions.c.number)).mappings().all()
    return {**row, "versions": [dict(v) for v in versions]}
