"""One active replica among many: a lease that the database gives to one holder at a time.

Several replicas of a process that must not run twice at once (the outbox relay) each ask for the
lease; one gets it and works, the others stand by and ask again every few seconds. Nobody has to
give the lease back for a standby to take over: it ends with its holder.

- PostgreSQL: a session-level advisory lock, held on a connection kept for nothing else (advisory
  locks are per database: the same lease in another database on the server is another lease). The server
  releases it when that connection ends, which it does when the holder dies (``kill -9`` closes its
  sockets) or is cut off. Session locks need a real session: not through a pooler in transaction mode.
- SQLite: an exclusive ``flock`` on a lock file beside the database file, released by the operating
  system when the holder's process ends. The file says who holds it.

A holder checks :meth:`Lease.still_held` before each piece of work, inside the transaction that does
it on PostgreSQL, so a holder whose lock connection broke stops instead of working beside its successor.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger(__name__)

_HELD_ON_POSTGRES = text(
    "SELECT set_config('lock_timeout', :lock_timeout, true), EXISTS ("
    " SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = :classid"
    " AND objid::bigint = :objid AND objsubid = 1 AND pid = :pid AND granted)"
)
# pg_locks shows the advisory locks of every database on the server, each under its own database;
# a lease is its database's, so the holder of the same key in another database (another deployment
# or test suite on the same server) is not ours.
_HOLDER_ON_POSTGRES = text(
    "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
    " WHERE l.locktype = 'advisory' AND l.classid::bigint = :classid AND l.objid::bigint = :objid"
    " AND l.objsubid = 1 AND l.granted"
    " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
)


class Lease(Protocol):
    """The right to be the one active replica."""

    def try_acquire(self) -> bool:
        """Take the lease if nobody holds it; True if this replica holds it now. Never waits."""
        ...

    def still_held(self, db: Connection) -> bool:
        """Whether this replica still holds the lease (checked inside ``db``'s transaction).

        On PostgreSQL the same call sets that transaction's ``lock_timeout``, so work that waits on
        rows a former holder still locks gives up after a while instead of blocking forever.
        """
        ...

    def release(self) -> None:
        """Give the lease up (standbys take it at their next try); harmless if not held."""
        ...

    def holder(self) -> str | None:
        """Who holds the lease (the ``holder`` text it was taken with), or None if nobody does."""
        ...


def lease_for(engine: Engine, name: str, *, holder: str, lock_timeout: float = 2.0) -> Lease:
    """The lease called ``name`` in the database of ``engine``.

    ``holder`` says who took it (shown by :meth:`Lease.holder`, and on PostgreSQL as the lock
    connection's ``application_name``). ``lock_timeout`` (PostgreSQL) bounds how long a holder's
    transaction waits for rows locked by someone else.
    """
    if engine.dialect.name == "postgresql":
        return AdvisoryLockLease(engine, name, holder=holder, lock_timeout=lock_timeout)
    database = make_url(engine.url).database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return LockFileLease(Path(f"{database}.{name}.lock"), holder=holder)
    return SoleLease()  # an in-memory database: nobody else can see it, so nobody else competes


class AdvisoryLockLease:
    """A PostgreSQL session-level advisory lock on a connection kept for it."""

    def __init__(self, engine: Engine, name: str, *, holder: str, lock_timeout: float = 2.0) -> None:
        self.engine = engine
        self.name = name
        self.holder_text = holder[:63]  # application_name keeps 63 bytes
        # A stable 63-bit key from the name (Python's hash() changes between processes).
        self.key = int.from_bytes(hashlib.sha256(f"servicekit.lease:{name}".encode()).digest()[:8], "big") >> 1
        self.classid, self.objid = self.key >> 32, self.key & 0xFFFFFFFF  # how pg_locks shows a bigint key
        self.lock_timeout = f"{int(lock_timeout * 1000)}ms"
        self._db: Connection | None = None
        self._pid: int | None = None

    def try_acquire(self) -> bool:
        if self._pid is not None:
            return True
        try:
            if self._db is None:
                self._db = self.engine.connect()
            got = bool(self._db.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}).scalar_one())
            if got:
                self._pid = self._db.execute(text("SELECT pg_backend_pid()")).scalar_one()
                self._db.execute(text("SELECT set_config('application_name', :name, false)"),
                                 {"name": self.holder_text})
            self._db.commit()  # a session lock outlives the transaction that took it
        except SQLAlchemyError:
            self._drop()
            raise
        return got

    def still_held(self, db: Connection) -> bool:
        if self._pid is None:
            return False
        params = {"lock_timeout": self.lock_timeout, "classid": self.classid, "objid": self.objid, "pid": self._pid}
        return bool(db.execute(_HELD_ON_POSTGRES, params).one()[1])

    def release(self) -> None:
        if self._db is not None and self._pid is not None:
            try:
                self._db.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
                self._db.execute(text("RESET application_name"))
                self._db.commit()
            except SQLAlchemyError:
                log.warning("could not unlock; the lock ends with its connection", exc_info=True)
        self._drop()

    def holder(self) -> str | None:
        with self.engine.connect() as db:
            return db.execute(_HOLDER_ON_POSTGRES, {"classid": self.classid, "objid": self.objid}).scalar()

    def _drop(self) -> None:
        self._pid = None
        if self._db is not None:
            try:
                self._db.invalidate()  # closes the session, so the server releases the lock for sure
            except SQLAlchemyError:
                pass
            self._db.close()
            self._db = None


class LockFileLease:
    """An exclusive ``flock`` on ``path``; the file holds the holder's text while it is held."""

    def __init__(self, path: Path, *, holder: str) -> None:
        self.path = path
        self.holder_text = holder
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        if not self._same_file(fd):  # replaced between open and lock: try again next time
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.pwrite(fd, self.holder_text.encode(), 0)
        self._fd = fd
        return True

    def still_held(self, db: Connection) -> bool:
        # Someone deleting or replacing the file would let another replica lock a new one.
        return self._fd is not None and self._same_file(self._fd)

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.ftruncate(fd, 0)
            os.close(fd)  # closing releases the flock

    def holder(self) -> str | None:
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return os.pread(fd, 4096, 0).decode(errors="replace") or "unknown"
            return None  # we could lock it: nobody holds it
        finally:
            os.close(fd)

    def _same_file(self, fd: int) -> bool:
        try:
            return os.fstat(fd).st_ino == os.stat(self.path).st_ino
        except FileNotFoundError:
            return False


class SoleLease:
    """Always held: for a database no other process can reach."""

    def try_acquire(self) -> bool:
        return True

    def still_held(self, db: Connection) -> bool:
        return True

    def release(self) -> None:
        return None

    def holder(self) -> str | None:
        return None
