"""The search's two ways to the newest matches give the same answer (TKT-10): looking at the newest
articles first (enough of them match: a common word) and reading every match through the terms
(too few match there: a rare word), checked against the newest matches worked out by hand, for a
desk agent of one estate who must not see another estate's articles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from servicekit.auth import Principal
from tickets.domain.search_terms import indexed_terms, place_term
from tickets.knowledge import views
from tickets.tables import kb_articles

START = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def articles(db):
    """60 published articles, newest last: every one mentions 水, every seventh 燃气; every third is
    another estate's; every fifth is not published (or withdrawn)."""
    mine, other = uuid.uuid4(), uuid.uuid4()
    rows = []
    for n in range(60):
        title = f"燃气表{n}号" if n % 7 == 0 else f"水管{n}号"
        estate = other if n % 3 == 0 else (None if n % 4 == 0 else mine)
        published = n % 5 != 0
        rows.append({"id": uuid.uuid4(), "estate_id": estate, "latest_version": 1,
                     "published_version": 1 if published else None, "title": title, "symptoms": "漏水",
                     "steps": [], "kinds": ["repair"], "categories": ["plumbing"], "attachments": [],
                     "terms": indexed_terms(title, "漏水", kinds=["repair"], categories=["plumbing"])
                     + [place_term(estate)], "active": n != 59, "created_at": START,
                     "updated_at": START + timedelta(hours=n)})
    with db.begin() as conn:
        conn.execute(insert(kb_articles), rows)
    visible = [r for r in rows if r["estate_id"] in (None, mine) and r["published_version"] and r["active"]]
    return {"estate": mine, "visible": visible}


@pytest.mark.parametrize(("query", "word"), [("水", "水"), ("燃气", "燃气")])
@pytest.mark.parametrize("window", [0, 8, 30])
def test_the_newest_matches_whichever_way_they_are_found(db, articles, monkeypatch, query, word, window) -> None:
    monkeypatch.setattr(views, "CANDIDATES", 4)
    monkeypatch.setattr(views, "WINDOW", window)
    desk = Principal("desk", "service_desk_agent", frozenset({str(articles["estate"])}))
    with Session(db) as session:
        found = [row["title"] for row in views.search(session, desk, {"q": query, "limit": 10})]
    newest = sorted((r for r in articles["visible"] if word in r["title"] or word in "漏水"),
                    key=lambda r: r["updated_at"], reverse=True)[:4]
    # ranked among the four newest matches: a word of the title first, then the newest
    expected = sorted(newest, key=lambda r: (-(3 if word in r["title"] else 1), -r["updated_at"].timestamp()))
    assert found == [r["title"] for r in expected]
