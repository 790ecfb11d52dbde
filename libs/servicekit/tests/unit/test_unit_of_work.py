"""The unit of work: nothing is kept unless committed, and it is never entered twice (a nested
commit would silently commit the outer transaction)."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, event, insert, select
from sqlalchemy.orm import Session, sessionmaker

from servicekit.db import make_engine
from servicekit.outbox import Outbox
from servicekit.service import Service
from servicekit.unit_of_work import UnitOfWork


class FakeConnection:
    def __init__(self) -> None:
        self.rolled_back = 0
        self.closed = 0

    def begin(self) -> None:
        pass

    def rollback(self) -> None:
        self.rolled_back += 1

    def close(self) -> None:
        self.closed += 1


def test_entering_an_open_unit_of_work_again_is_refused_and_the_outer_one_still_rolls_back():
    sessions: list[FakeConnection] = []

    def factory() -> FakeConnection:
        sessions.append(FakeConnection())
        return sessions[-1]

    uow = UnitOfWork(factory, Outbox(MetaData()), "/test")  # type: ignore[arg-type]
    with uow:
        with pytest.raises(RuntimeError, match="already open"):
            with uow:
                pass
        assert len(sessions) == 1 and sessions[0].closed == 0
    assert sessions[0].closed == 1 and sessions[0].rolled_back == 1
    with uow:
        assert uow.connection is not sessions[0]  # a later use finds a new connection


def test_recorded_events_reach_the_outbox_only_with_the_commit(tmp_path):
    metadata = MetaData()
    outbox = Outbox(metadata)
    engine = make_engine(f"sqlite:///{tmp_path / 'uow.sqlite3'}")
    metadata.create_all(engine)
    uow = UnitOfWork(engine.connect, outbox, "/estatedesk/test")
    with uow:
        uow.record("test.thing.happened.v1", "t-1", {"n": 1})
    with uow:
        uow.record("test.thing.happened.v1", "t-2", {"n": 2})
        uow.commit()
    with engine.connect() as conn:
        bodies = conn.execute(select(outbox.table.c.body)).scalars().all()
    assert len(bodies) == 1 and '"t-2"' in bodies[0] and '"/estatedesk/test"' in bodies[0]
    engine.dispose()


class Things:
    """An SQLite database of things, with an outbox."""

    def __init__(self, tmp_path) -> None:  # noqa: ANN001
        self.metadata = MetaData()
        self.outbox = Outbox(self.metadata)
        self.table = Table("things", self.metadata, Column("id", Integer, primary_key=True))
        self.engine = make_engine(f"sqlite:///{tmp_path / 'uow.sqlite3'}")
        self.metadata.create_all(self.engine)

    def written(self) -> tuple[list[int], int]:
        """The things' ids and how many events the outbox holds."""
        with self.engine.connect() as conn:
            return (conn.execute(select(self.table.c.id).order_by(self.table.c.id)).scalars().all(),
                    len(conn.execute(select(self.outbox.table.c.body)).all()))


def test_a_use_case_that_runs_its_statements_through_the_unit_of_work_makes_no_orm_session(tmp_path):
    # The transaction is held by a plain Connection: an ORM Session cost about a tenth of a ticket's
    # opening and did nothing but hold it.
    db = Things(tmp_path)
    sessions_begun: list[Session] = []
    listener = lambda session, transaction, connection: sessions_begun.append(session)  # noqa: E731
    event.listen(Session, "after_begin", listener)
    try:
        service = Service(name="test", package="servicekit", port=0, metadata=db.metadata, outbox=db.outbox,
                          roles=(), blueprints="")
        uow = service.unit_of_work(sessionmaker(db.engine))  # as every service's web app and commands make them
        with uow:
            uow.execute(insert(db.table).values(id=1))
            uow.insert_later(db.table, [{"id": 2}])
            uow.record("test.thing.happened.v1", "1", {"n": 1})
            assert uow.execute(select(db.table.c.id).order_by(db.table.c.id)).scalars().all() == [1, 2]
            uow.commit()
    finally:
        event.remove(Session, "after_begin", listener)
    assert sessions_begun == []
    assert db.written() == ([1, 2], 1)
    with pytest.raises(TypeError, match="engine"):
        service.unit_of_work(sessionmaker())  # bound to nothing: said at once, not at the first statement
    with pytest.raises(TypeError, match="engine.connect"):
        UnitOfWork(sessionmaker(db.engine), db.outbox, "/estatedesk/test")  # sessions, not connections
    db.engine.dispose()


def test_the_session_of_a_unit_of_work_is_in_its_transaction_and_commits_only_with_it(tmp_path):
    db = Things(tmp_path)
    uow = UnitOfWork(db.engine.connect, db.outbox, "/estatedesk/test")
    with uow:
        uow.execute(insert(db.table).values(id=1))
        uow.session.execute(insert(db.table).values(id=2))
        assert uow.session.execute(select(db.table.c.id).order_by(db.table.c.id)).scalars().all() == [1, 2]
        assert uow.session.get_bind().dialect.name == uow.dialect.name == "sqlite"
        uow.session.commit()  # commits nothing: the unit of work holds the transaction
    assert db.written() == ([], 0)  # not committed: both rolled back
    with uow:
        uow.session.execute(insert(db.table).values(id=3))
        uow.execute(insert(db.table).values(id=4))
        uow.record("test.thing.happened.v1", "3", {"n": 3})
        # A session's commit hook (servicekit.copies writes its pending rows so) still runs, in the
        # transaction the unit of work commits.
        event.listen(uow.session, "before_commit", lambda session: session.execute(insert(db.table).values(id=5)))
        uow.commit()
    assert db.written() == ([3, 4, 5], 1)
    with pytest.raises(RuntimeError, match="not open"):
        uow.session  # noqa: B018
    db.engine.dispose()


def test_a_joined_unit_of_work_leaves_the_commit_to_the_holder_of_the_transaction() -> None:
    from servicekit.unit_of_work import JoinedUnitOfWork

    class Session:
        committed = closed = rolled_back = False
        executed: list = []

        def execute(self, statement, params=None):  # noqa: ANN001, ANN202
            self.executed.append(statement)

        def commit(self) -> None:
            self.committed = True

        def close(self) -> None:
            self.closed = True

        def rollback(self) -> None:
            self.rolled_back = True

    class Outbox:
        def __init__(self) -> None:
            self.added: list = []

        def add_many(self, session, events) -> int:  # noqa: ANN001
            self.added += list(events)
            return len(self.added)

    session, outbox = Session(), Outbox()
    uow = JoinedUnitOfWork(session, outbox, "/estatedesk/test")  # type: ignore[arg-type]
    with uow:
        uow.record("test.thing.done.v1", "1", {"n": 1})
        uow.commit()
        uow.record("test.thing.done.v1", "2", {"n": 2})
    assert [e.subject for e in outbox.added] == ["1", "2"]
    assert (session.committed, session.closed, session.rolled_back) == (False, False, False)
    with uow:  # entered again: a handler may call several use cases one after another
        pass
