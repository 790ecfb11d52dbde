"""The read side of the knowledge base: an article with its versions, the articles of the caller's
estates, the search, and the articles suggested for a ticket.

A search asks for every term of the query (tickets.domain.search_terms) among the published
articles of the estate and the operator's: on PostgreSQL ``terms @> ARRAY[...]``, which the GIN
index ``ix_kb_articles_terms`` answers, together with any of the estate terms of what the caller
may see (``estate:<id>``, ``estate:operator``), so only the visible matches are read; on SQLite one
``LIKE '% term %'`` per term.
At most :data:`CANDIDATES` of the newest matches are then ranked here (a term in the title counts
three times one in the body). Suggestions for a ticket ask for any of its words, its kind and
its category (``&&`` on PostgreSQL), and rank the category's and kind's articles first.

**Finding the newest matches.** A common word (水 is in most articles) matches tens of thousands
of rows: the GIN index finds them all, each is read and all are sorted by age, only for the
newest hundred to be kept. So the newest :data:`WINDOW` published articles are looked at first,
walked newest first through ``ix_kb_articles_newest`` with the search's conditions checked on each,
stopping at the :data:`CANDIDATES`-th match: those are the newest matches of all (every match
outside the window is older). Otherwise the word is rare enough that the index's matches are few,
and they are read as before. Both ways give the same candidates; the first reads at most
:data:`WINDOW` rows, and for a common word far fewer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import Text, and_, cast, or_, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY, array
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import ClauseAdapter

from servicekit.auth import Principal, scoped_with_operator
from servicekit.errors import NotFound
from tickets.domain.search_terms import indexed_terms, place_term, query_terms, score
from tickets.tables import kb_article_versions, kb_articles, tickets

CANDIDATES = 100
WINDOW = 1000
"""How many of the newest published articles are looked at before the index's matches are read."""
SUGGESTED = 5
_FOUND = (kb_articles.c.id, kb_articles.c.estate_id, kb_articles.c.latest_version, kb_articles.c.published_version,
          kb_articles.c.title, kb_articles.c.symptoms, kb_articles.c.steps, kb_articles.c.kinds,
          kb_articles.c.categories, kb_articles.c.attachments, kb_articles.c.active, kb_articles.c.created_at,
          kb_articles.c.updated_at, kb_articles.c.terms)


def with_versions(conn: Any, article_id: UUID) -> dict[str, Any]:
    """One article, its published text and every version (``conn``: a session or unit of work)."""
    article = conn.execute(select(*_FOUND).where(kb_articles.c.id == article_id)).mappings().first()
    if article is None:
        raise NotFound("no such article", "没有此知识库文章")
    versions = conn.execute(select(kb_article_versions).where(kb_article_versions.c.article_id == article_id)
                            .order_by(kb_article_versions.c.version)).mappings().all()
    return {**article, "versions": [dict(v) for v in versions]}


def article(session: Session, article_id: UUID) -> dict[str, Any]:
    return with_versions(session, article_id)


def _visible(statement: Any, principal: Principal, estate_id: UUID | None) -> Any:
    """``statement`` over the operator's articles and the caller's estates' own (one estate's with ``estate_id``)."""
    return scoped_with_operator(statement, kb_articles.c.estate_id, principal, estate_id)


def article_list(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The articles the caller may see, newest first; ``unpublished``: those with a version waiting."""
    a = kb_articles.c
    statement = _visible(select(*_FOUND), principal, args.get("estate_id"))
    if args.get("unpublished"):
        statement = statement.where(or_(a.published_version.is_(None), a.published_version < a.latest_version))
    rows = session.execute(statement.order_by(a.updated_at.desc(), a.id).limit(500)).mappings().all()
    return [dict(r) for r in rows]


def search(session: Session, principal: Principal, args: dict[str, Any]) -> list[dict[str, Any]]:
    """The published articles with every term of ``q`` (and the kind and category asked), best first."""
    asked = query_terms(args.get("q") or "")
    wanted = asked + ([f"kind:{args['kind']}"] if args.get("kind") else []) + \
        ([f"cat:{args['category']}"] if args.get("category") else [])
    if not wanted:
        return []
    dialect = session.get_bind().dialect.name
    places = _places(principal, args.get("estate_id"))
    found = _candidates(session, _visible(_published(), principal, args.get("estate_id")), _has_all(dialect, wanted),
                        None if places is None else _has_any(dialect, places))
    return _whole(session, _ranked(found, lambda row: score(asked, indexed_terms(row["title"]), _terms(row)),
                                   args["limit"]))


def suggestions(session: Session, ticket_id: UUID) -> list[dict[str, Any]]:
    """What the knowledge base may answer for a ticket: its category's, its kind's, and those sharing its words."""
    ticket = session.execute(select(tickets.c.estate_id, tickets.c.kind, tickets.c.category, tickets.c.title,
                                    tickets.c.description).where(tickets.c.id == ticket_id)).one()
    asked = query_terms(f"{ticket.title} {ticket.description}")
    kind, category = f"kind:{ticket.kind}", f"cat:{ticket.category}" if ticket.category else None
    wanted = [*asked, kind, *([category] if category else [])]
    a = kb_articles.c
    dialect = session.get_bind().dialect.name
    found = _candidates(session, _published().where(or_(a.estate_id.is_(None), a.estate_id == ticket.estate_id)),
                        _has_any(dialect, wanted), _has_any(dialect, [place_term(None), place_term(ticket.estate_id)]))

    def rank(row: dict[str, Any]) -> int:
        terms = _terms(row)
        return 5 * (category in terms) + 2 * (kind in terms) + score(asked, indexed_terms(row["title"]), terms)

    return _whole(session, [row for row in _ranked(found, rank, SUGGESTED) if row["score"] > 2])


def _places(principal: Principal, estate_id: UUID | None) -> list[str] | None:
    """The estate terms of what the caller may see (None: every estate, no narrowing)."""
    if estate_id is not None:
        return [place_term(None), place_term(estate_id)]
    if principal.estates is None:
        return None
    return [place_term(None), *(place_term(e) for e in sorted(principal.estates))]


def _published() -> Any:
    """The published articles, with only what ranking reads (``active`` bare, as the predicate of
    ix_kb_articles_newest says it: ``active IS true`` would not use that index)."""
    a = kb_articles.c
    return select(a.id, a.title, a.terms, a.updated_at).where(a.published_version.is_not(None), a.active)


def _candidates(session: Session, visible: Any, matching: Any, narrowing: Any | None) -> list[dict[str, Any]]:
    """The :data:`CANDIDATES` newest of the ``visible`` articles (a :func:`_published` statement
    narrowed to what the caller may see) ``matching`` the terms, each with what ranking reads.

    First among the newest :data:`WINDOW` visible articles, walked newest first through
    ix_kb_articles_newest (the estate checked on each row, the terms on those visible), stopping at
    the CANDIDATES-th match: when that many match there, they are the newest matches of all. Else
    through the terms' GIN index (and ``narrowing``, the estate terms of what the caller may see,
    so the index reads only visible matches)."""
    a = kb_articles.c
    if WINDOW >= CANDIDATES:
        newest = visible.order_by(a.updated_at.desc(), a.id.desc()).limit(WINDOW).subquery("newest")
        statement = select(newest).where(ClauseAdapter(newest).traverse(matching))
        found = _newest(session, statement, newest.c)
        if len(found) == CANDIDATES:
            return found
    return _newest(session, visible.where(matching, *(() if narrowing is None else (narrowing,))), a)


def _newest(session: Session, statement: Any, columns: Any) -> list[dict[str, Any]]:
    statement = statement.order_by(columns.updated_at.desc(), columns.id.desc()).limit(CANDIDATES)
    return [dict(r) for r in session.execute(statement).mappings()]


def _ranked(found: list[dict[str, Any]], rank: Any, limit: int) -> list[dict[str, Any]]:
    scored = [{"id": row["id"], "score": rank(row), "updated_at": row["updated_at"]} for row in found]
    scored.sort(key=lambda row: (-row["score"], -row["updated_at"].timestamp()))
    return scored[:limit]


def _whole(session: Session, ranked: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ranked articles in full, in their order, each with its score."""
    if not ranked:
        return []
    rows = {r["id"]: dict(r) for r in session.execute(
        select(*_FOUND).where(kb_articles.c.id.in_([row["id"] for row in ranked]))).mappings()}
    return [{**{k: v for k, v in rows[row["id"]].items() if k != "terms"}, "score": row["score"]} for row in ranked]


def _terms(row: dict[str, Any]) -> set[str]:
    return set(row["terms"] or ())


def _as_array() -> Any:
    return type_coerce(kb_articles.c.terms, ARRAY(Text))


def _text_array(terms: Sequence[str]) -> Any:
    return cast(array(list(terms)), ARRAY(Text))


def _has_all(dialect: str, terms: Sequence[str]) -> Any:
    if dialect == "postgresql":
        return _as_array().contains(_text_array(terms))
    return and_(*(type_coerce(kb_articles.c.terms, Text).contains(f" {t} ", autoescape=True) for t in terms))


def _has_any(dialect: str, terms: Sequence[str]) -> Any:
    if dialect == "postgresql":
        return _as_array().overlap(_text_array(terms))
    return or_(*(type_coerce(kb_articles.c.terms, Text).contains(f" {t} ", autoescape=True) for t in terms))
