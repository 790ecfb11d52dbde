"""The queue asks the tickets API for its order, so "due first" and the stages' groups hold the most
urgent tickets of every page, not a page of the newest re-sorted (with 10,000 open tickets the most
overdue one was never on the first page)."""

from __future__ import annotations

import pytest

from gateway.console.queue import api_params, rows_of

CHOSEN = {"estate_id": "", "building_id": "", "kind": "", "complaint_class": "", "priority": "",
          "assignee_id": "", "stage": []}


@pytest.mark.parametrize(("order", "asked"), [("due", "due"), ("stage", "due"), ("newest", "newest")])
def test_the_order_chosen_is_the_apis(order: str, asked: str) -> None:
    assert api_params({**CHOSEN, "order": order}, 2) == {"status": "open", "page_size": 100, "page": 2,
                                                         "order": asked}


def test_stage_groups_keep_the_apis_order_within_each_stage() -> None:
    items = [{"id": n, "stage": stage, "created_at": f"2026-12-0{5 - n}T00:00:00+00:00", "sla": {}}
             for n, stage in ((1, "acknowledged"), (2, "received"), (3, "acknowledged"), (4, "received"))]
    rows = rows_of(items, "stage", None, None)  # type: ignore[arg-type]  (no clocks: no targets)
    assert [r["id"] for r in rows] == [2, 4, 1, 3]
