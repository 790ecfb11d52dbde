"""The unit of work: nothing is kept unless committed, events go to the outbox in the same
transaction, and a nested ``with`` shares the outer transaction."""

from __future__ import annotations

from owners.service_layer.unit_of_work import UnitOfWork


class FakeSession:
    def __init__(self) -> None:
        self.rolled_back = 0
        self.closed = 0

    def rollback(self) -> None:
        self.rolled_back += 1

    def close(self) -> None:
        self.closed += 1


def test_a_nested_with_shares_the_session_and_only_the_outermost_closes_it():
    sessions: list[FakeSession] = []

    def factory() -> FakeSession:
        sessions.append(FakeSession())
        return sessions[-1]

    uow = UnitOfWork(factory)  # type: ignore[arg-type]
    with uow:
        outer = uow.session
        with uow:
            assert uow.session is outer
        assert outer.closed == 0 and outer.rolled_back == 0
    assert len(sessions) == 1 and outer.closed == 1 and outer.rolled_back == 1
    with uow:
        assert uow.session is not outer  # a later use finds a new session
