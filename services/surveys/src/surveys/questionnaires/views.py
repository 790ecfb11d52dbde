"""The read side of questionnaires: the list an estate sees (the built-in default, the operator's,
its own), one questionnaire with its versions, and a questionnaire's latest version."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import or_, select

from servicekit.auth import scoped
from servicekit.errors import NotFound
from servicekit.paging import page_of
from surveys.domain import questionnaires as domain
from surveys.tables import questionnaire_versions, questionnaires

# The built-in default as the API shows a questionnaire: no row, one published version.
BUILT_IN: dict[str, Any] = {
    "id": domain.DEFAULT_ID, "estate_id": None, "purpose": "wave", "built_in": True,
    "name_zh": domain.DEFAULT_NAMES["zh-CN"], "name_en": domain.DEFAULT_NAMES["en"], "copied_from": None,
    "created_by": "estatedesk", "created_at": None, "version": 1,
    "versions": [{"id": domain.DEFAULT_VERSION_ID, "questionnaire_id": domain.DEFAULT_ID, "number": 1,
                  "questions": domain.default_questions(), "published_at": None, "published_by": "estatedesk"}],
}


def built_in(session=None) -> dict[str, Any]:  # noqa: ANN001  (a read like the others)
    """The built-in default questionnaire on the nine elements."""
    return BUILT_IN


def visible(session, principal, args: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """One page of the questionnaires the caller sees: operator-wide ones and their estates' own
    (of one estate, if named), newest first. The built-in default is at /questionnaires/default."""
    statement = select(questionnaires).order_by(questionnaires.c.created_at.desc(), questionnaires.c.id)
    if args.get("estate_id") is not None:
        statement = statement.where(or_(questionnaires.c.estate_id.is_(None),
                                        questionnaires.c.estate_id == args["estate_id"]))
    if args.get("purpose"):
        statement = statement.where(questionnaires.c.purpose == args["purpose"])
    if principal.estates is not None:
        own = scoped(select(questionnaires.c.id), questionnaires.c.estate_id, principal)
        statement = statement.where(or_(questionnaires.c.estate_id.is_(None), questionnaires.c.id.in_(own)))
    return page_of(session, statement, args)


def one(session, questionnaire_id: UUID) -> dict[str, Any]:  # noqa: ANN001
    """A questionnaire with every version, oldest first."""
    row = session.execute(select(questionnaires).where(questionnaires.c.id == questionnaire_id)).mappings().first()
    if row is None:
        raise NotFound("no such questionnaire", "没有此问卷")
    versions = session.execute(select(questionnaire_versions)
                               .where(questionnaire_versions.c.questionnaire_id == questionnaire_id)
                               .order_by(questionnaire_versions.c.number)).mappings().all()
    return {**row, "built_in": False, "versions": [dict(v) for v in versions]}


def latest_version(session, questionnaire_id: UUID) -> dict[str, Any]:  # noqa: ANN001  (a session or unit of work)
    """A questionnaire's last version (the draft, if it has one)."""
    return dict(session.execute(select(questionnaire_versions)
                                .where(questionnaire_versions.c.questionnaire_id == questionnaire_id)
                                .order_by(questionnaire_versions.c.number.desc()).limit(1)).mappings().one())


def questions_of(session, version_id: UUID) -> list[dict[str, Any]]:  # noqa: ANN001  (a session or unit of work)
    """The questions of a published version (the built-in default's included)."""
    if version_id == domain.DEFAULT_VERSION_ID:
        return BUILT_IN["versions"][0]["questions"]
    if version_id == domain.TICKET_VERSION_ID:
        return domain.ticket_questions()
    return list(session.execute(select(questionnaire_versions.c.questions)
                                .where(questionnaire_versions.c.id == version_id)).scalar_one())
