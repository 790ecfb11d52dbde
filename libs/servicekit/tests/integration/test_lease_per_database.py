"""A lease is the lease of its own database: another database on the same PostgreSQL server holding
the lease of the same name is neither its holder nor in its way.

Advisory locks are per database, but ``pg_locks`` shows those of every database on the server; the
holder query once read them all, so a relay of another deployment (or another test suite) on the
same server was named as this database's active relay.
"""

from __future__ import annotations

from collections.abc import Callable

from servicekit.db import make_engine
from servicekit.leadership import lease_for


def test_the_holder_is_the_holder_in_this_database(make_database: Callable[[], str]) -> None:
    ours, theirs = make_engine(make_database()), make_engine(make_database())
    their_lease = lease_for(theirs, "outbox-relay", holder="their relay")
    our_lease = lease_for(ours, "outbox-relay", holder="our relay")
    try:
        assert their_lease.try_acquire()
        assert our_lease.holder() is None, "another database's holder named as ours"
        assert our_lease.try_acquire(), "another database's lease kept ours from being taken"
        assert our_lease.holder() == "our relay"
        assert their_lease.holder() == "their relay"
    finally:
        our_lease.release()
        their_lease.release()
        ours.dispose()
        theirs.dispose()
