"""The words a knowledge-base article is found by (TKT-10), in Chinese and English alike.

Chinese is written without spaces, so a word cannot be told from the text alone. Each run of
Chinese characters is indexed by its single characters and its overlapping pairs (bigrams: 厨房漏水
gives 厨房, 房漏, 漏水), the way CJK search engines index when they have no dictionary; a query of two
or more characters asks for its pairs, a one-character query for that character. So 漏水 finds
every text holding 漏水, and 水漏 does not. Latin letters and digits are indexed by word, lower case
(NFKC first: full-width ＡＢＣ is abc). What an article applies to is indexed as ``kind:repair`` and
``cat:plumbing``, so a ticket's kind and category are searched like words, and whose it is as
``estate:<id>`` (or ``estate:operator``).

Why not PostgreSQL's own full-text search or pg_trgm: the text search parsers split Chinese by
nothing at all (a whole sentence is one token), the Chinese parsers (zhparser, pg_jieba) are not
Debian packages, and pg_trgm indexes three characters at a time, so a two-character word, the
commonest in Chinese, cannot use its index, and its word boundaries depend on the database's
locale (this one is C.UTF-8). The terms here are stored as an array (servicekit.db.SearchTerms):
PostgreSQL finds them through a GIN index, SQLite, which keeps them as spaced text, with LIKE
(tickets.knowledge.views).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
MAX_QUERY_TERMS = 32


def _is_chinese(run: str) -> bool:
    return not run[0].isascii()


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def indexed_terms(*texts: str, kinds: Iterable[str] = (), categories: Iterable[str] = ()) -> list[str]:
    """Every term an article of ``texts`` is found by: characters, pairs, words, kind and category."""
    found: set[str] = set()
    for text in texts:
        for run in _RUNS.findall(_normal(text)):
            if _is_chinese(run):
                found.update(run)
                found.update(run[i:i + 2] for i in range(len(run) - 1))
            else:
                found.add(run)
    found.update(f"kind:{kind}" for kind in kinds)
    found.update(f"cat:{category}" for category in categories)
    return sorted(found)


def place_term(estate_id: object | None) -> str:
    """The term of the estate an article belongs to (``estate:operator`` for the operator's): a
    search scoped to some estates asks for any of theirs, so the index narrows to what the caller
    may see before a row is read (the estate's own column still decides)."""
    return f"estate:{estate_id or 'operator'}"


def query_terms(text: str) -> list[str]:
    """The terms a query asks for, every one of them: a Chinese run's pairs (its character when
    alone), each word; at most :data:`MAX_QUERY_TERMS`, in the order written, each once."""
    asked: list[str] = []
    for run in _RUNS.findall(_normal(text)):
        if _is_chinese(run):
            asked.extend([run] if len(run) == 1 else [run[i:i + 2] for i in range(len(run) - 1)])
        else:
            asked.append(run)
    return list(dict.fromkeys(asked))[:MAX_QUERY_TERMS]


def score(asked: Iterable[str], title_terms: Iterable[str], body_terms: Iterable[str]) -> int:
    """How well an article answers: a term in the title counts three times one in the body."""
    title, body = set(title_terms), set(body_terms)
    return sum(3 if term in title else 1 if term in body else 0 for term in asked)
