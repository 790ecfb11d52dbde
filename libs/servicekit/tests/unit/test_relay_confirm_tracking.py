"""How the relay counts the broker's confirms of a batch in flight (single, multiple, nacks)."""

from __future__ import annotations

from types import SimpleNamespace

from servicekit.relay import _Batch


def batch_of(count: int, first_tag: int) -> _Batch:
    return _Batch(db=None, rows=[object()] * count, first_tag=first_tag)  # type: ignore[arg-type]


def test_a_batch_is_settled_only_when_every_tag_is_confirmed() -> None:
    batch = batch_of(5, first_tag=11)

    batch.settle(12, multiple=True, acked=True)   # 11, 12
    batch.settle(15, multiple=False, acked=True)  # 15
    assert not batch.settled
    batch.settle(14, multiple=True, acked=True)   # 13, 14

    assert batch.settled
    assert batch.nacked == 0


def test_a_nack_among_acks_is_counted_once() -> None:
    batch = batch_of(4, first_tag=1)

    batch.settle(2, multiple=False, acked=False)
    batch.settle(4, multiple=True, acked=True)   # 1, 3, 4 (2 was settled already)

    assert batch.settled
    assert batch.nacked == 1


def test_confirms_of_tags_outside_the_batch_change_nothing() -> None:
    batch = batch_of(3, first_tag=101)

    batch.settle(100, multiple=True, acked=False)  # an earlier batch's
    batch.settle(104, multiple=False, acked=False)  # a later batch's

    assert (batch.settled, batch.nacked, batch.unconfirmed) == (False, 0, 3)


def test_a_multiple_ack_spanning_into_the_next_batch_settles_this_one() -> None:
    older, newer = batch_of(3, first_tag=1), batch_of(3, first_tag=4)

    for batch in (older, newer):
        batch.settle(5, multiple=True, acked=True)

    assert older.settled
    assert (newer.settled, newer.unconfirmed) == (False, 1)


def test_a_batch_knows_whether_it_holds_a_returned_event() -> None:
    rows = [SimpleNamespace(seq=n, event_id=f"e{n}") for n in (7, 8, 9)]
    batch = _Batch(db=None, rows=rows, first_tag=1)  # type: ignore[arg-type]

    assert batch.holds_any({"e8", "elsewhere"})
    assert not batch.holds_any({"elsewhere"})
    assert not batch.holds_any(set())
    assert batch.last_seq == 9
