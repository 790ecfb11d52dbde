"""Writing the knowledge base (TKT-10): an article is written, and rewritten, as versions, each
with its author; a manager who did not write a version reviews it, and an approved version is the
one searched and suggested (the article keeps its text and search terms, so a search reads one
row per article). A rejected version stays on record with the reviewer's note.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, NotFound
from servicekit.rows import get_row, now
from servicekit.unit_of_work import UnitOfWork
from tickets.domain.search_terms import indexed_terms, place_term
from tickets.knowledge.views import with_versions
from tickets.tables import kb_article_versions, kb_articles
from tickets.tickets.timeline import Actor

TEXT = ("title", "symptoms", "steps", "kinds", "categories", "attachments")


def write_article(uow: UnitOfWork, actor: Actor, data: Mapping[str, Any], *,
                  at: datetime | None = None) -> dict[str, Any]:
    """A new article of one estate (or the operator's), its first version waiting for review."""
    at = at or now()
    with uow:
        article = {"id": uuid.uuid4(), "estate_id": data.get("estate_id"), "latest_version": 1,
                   "published_version": None, "active": True, "created_at": at, "updated_at": at}
        uow.execute(insert(kb_articles).values(article))
        _add_version(uow, article, 1, actor, data, at)
        answer = with_versions(uow, article["id"])
        uow.commit()
        return answer


def rewrite_article(uow: UnitOfWork, article_id: UUID, actor: Actor, data: Mapping[str, Any], *,
                    at: datetime | None = None) -> dict[str, Any]:
    """A new version of an article, waiting for review; the published one stays until it is approved."""
    at = at or now()
    with uow:
        article = get_row(uow, kb_articles, article_id, "article", what_zh="知识库文章", lock=True)
        version = article["latest_version"] + 1
        _add_version(uow, article, version, actor, data, at)
        uow.execute(update(kb_articles).where(kb_articles.c.id == article_id)
                    .values(latest_version=version, updated_at=at))
        answer = with_versions(uow, article_id)
        uow.commit()
        return answer


def review_version(uow: UnitOfWork, article_id: UUID, version: int, actor: Actor, *, approve: bool,
                   note: str = "", at: datetime | None = None) -> dict[str, Any]:
    """Approve a version (it becomes the published text) or reject it, with a note."""
    at = at or now()
    with uow:
        get_row(uow, kb_articles, article_id, "article", what_zh="知识库文章", lock=True)
        v = kb_article_versions.c
        found = uow.execute(select(kb_article_versions).where(v.article_id == article_id, v.version == version)
                            ).mappings().first()
        if found is None:
            raise NotFound("the article has no such version", "该文章没有此版本")
        if found["review_state"] != "pending":
            raise Conflict("this version was reviewed already", "此版本已审核",
                           errors={"review_state": found["review_state"]})
        if found["author"] == actor.subject:
            raise Conflict("a version is reviewed by someone other than its author", "文章版本须由作者以外的人审核")
        uow.execute(update(kb_article_versions).where(v.article_id == article_id, v.version == version).values(
            review_state="approved" if approve else "rejected", reviewed_by=actor.subject, reviewed_at=at,
            review_note=note))
        if approve:
            _publish(uow, article_id, dict(found), at)
        answer = with_versions(uow, article_id)
        uow.commit()
        return answer


def _add_version(uow: UnitOfWork, article: Mapping[str, Any], version: int, actor: Actor,
                 data: Mapping[str, Any], at: datetime) -> None:
    uow.execute(insert(kb_article_versions).values(
        article_id=article["id"], version=version, estate_id=article["estate_id"],
        **{name: _plain(data.get(name, [])) if name == "attachments" else data.get(name, []) for name in TEXT},
        author=actor.subject, written_at=at, review_state="pending", review_note=""))


def _publish(uow: UnitOfWork, article_id: UUID, version: Mapping[str, Any], at: datetime) -> None:
    terms = indexed_terms(version["title"], version["symptoms"], *version["steps"], kinds=version["kinds"],
                          categories=version["categories"]) + [place_term(version["estate_id"])]
    uow.execute(update(kb_articles).where(kb_articles.c.id == article_id).values(
        published_version=version["version"], **{name: version[name] for name in TEXT},
        terms=terms, updated_at=at))


def _plain(entries: Any) -> Any:
    return [dict(entry) for entry in entries] if isinstance(entries, list) else entries
