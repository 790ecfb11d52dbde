"""Paging the stand-ins' pages: everything they received, newest first, a page at a time.

The pages once showed the last 500 SMS and the last 200 e-mails: after the demo's fee notice to
1,200 households a newcomer could not find the first messages, nor tell that any were missing.
Each page now says how many arrived and which of them it shows, and links to the older ones.
"""

from __future__ import annotations

from typing import Any, TypeVar

T = TypeVar("T")
PAGE_SIZE = 200


def page_number(query: dict[str, Any]) -> int:
    """The ``page`` of a query string (1 when missing or not a positive number)."""
    text = str(query.get("page") or "1")
    return int(text) if text.isascii() and text.isdigit() and int(text) > 0 else 1


def newest_first(rows: list[T], page: int, size: int = PAGE_SIZE) -> tuple[list[T], str]:
    """Page ``page`` of ``rows`` (oldest first, as they arrived), newest first, and the HTML line that
    says which of how many it shows, with links to newer and older pages."""
    total = len(rows)
    pages = max(1, -(-total // size))
    page = min(page, pages)
    end = total - (page - 1) * size
    shown = rows[max(0, end - size):end][::-1]
    first, last = (total - end + 1, total - end + len(shown)) if shown else (0, 0)
    links = []
    if page > 1:
        links.append(f'<a href="?page={page - 1}">← newer 较新</a>')
    if page < pages:
        links.append(f'<a href="?page={page + 1}">older 较早 →</a>')
    nav = (f"<p>showing 显示 {first}–{last} of 共 {total} (newest first 最新在前), page {page}/{pages} "
           f"{' · '.join(links)}</p>")
    return shown, nav
