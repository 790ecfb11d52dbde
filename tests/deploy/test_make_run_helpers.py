"""The helpers of `make run` (deploy/scripts): copy-status.py, which says how far tickets' copy of
owners has come (and so whether owners' state must be replayed to it, and when tickets' demo can
load), and own-database.py, which gives tickets a database of its own beside DATABASE_URL's.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from servicekit.db import make_engine
from servicekit.migrate import upgrade
from servicekit.testing import drop_database

SCRIPTS = Path(__file__).resolve().parents[2] / "deploy" / "scripts"


def _script(name: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPTS / name), *args], capture_output=True, text=True,
                          env=env, timeout=120, check=False)


def _module(name: str):  # noqa: ANN202  (the script as a module)
    spec = importlib.util.spec_from_file_location(name.replace("-", "_").removesuffix(".py"), SCRIPTS / name)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _dummy_copy_rows(table, count: int) -> list[dict]:  # noqa: ANN001  (a tickets copy Table)
    """``count`` rows of a copy table, every required column filled."""
    filler = {"estate_id": uuid.uuid4(), "building_id": uuid.uuid4(), "unit_id": uuid.uuid4(),
              "person_id": uuid.uuid4(), "staff_id": uuid.uuid4(), "code": "X", "name": "X", "number": "1",
              "role": "owner", "skills": [], "active": True, "released": False, "language": "zh-CN",
              "moved_in_on": date(2024, 1, 1), "unit_ids": [], "contacts": [], "version": 1}
    return [{"id": uuid.uuid4(), **{c.name: filler[c.name] for c in table.columns if c.name in filler}}
            for _ in range(count)]


def test_copy_status_follows_the_copy_from_nothing_to_complete(tmp_path: Path) -> None:
    from owners.demo import load_demo_estate
    from owners.service import SERVICE as OWNERS
    from tickets import tables
    from tickets.service import SERVICE as TICKETS

    env = {key: value for key, value in os.environ.items() if not key.endswith("DATABASE_URL")}
    env["ESTATEDESK_VAR"] = str(tmp_path)
    owners_url, tickets_url = (f"sqlite:///{tmp_path / f'{s}.sqlite3'}" for s in ("owners", "tickets"))

    def state() -> str:
        done = _script("copy-status.py", "state", "tickets", env=env)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert state() == "nothing"  # neither database exists yet
    upgrade(OWNERS, owners_url)
    upgrade(TICKETS, tickets_url)
    assert state() == "nothing"
    owners_engine, tickets_engine = make_engine(owners_url), make_engine(tickets_url)
    try:
        load_demo_estate(OWNERS.unit_of_work(sessionmaker(owners_engine, expire_on_commit=False)))
        assert state() == "empty"  # what makes `make run` replay owners' state to tickets
        copy = _module("copy-status.py").COPIES["tickets"]
        with owners_engine.connect() as conn:
            wanted = {name: conn.execute(select(func.count()).select_from(text(name))).scalar_one() for name in copy}
        with tickets_engine.begin() as conn:
            for name in copy[:-1]:
                conn.execute(insert(tables.metadata.tables[name]), _dummy_copy_rows(tables.metadata.tables[name],
                                                                                    wanted[name]))
        assert state() == "partial"  # the last copy (companies) still missing
        assert _script("copy-status.py", "wait", "tickets", "--timeout", "0", env=env).returncode == 1
        dead = subprocess.Popen(["true"])
        dead.wait()
        assert _script("copy-status.py", "wait", "tickets", "--while-pid", str(dead.pid), env=env).returncode == 3
        with tickets_engine.begin() as conn:
            last = tables.metadata.tables[copy[-1]]
            conn.execute(insert(last), _dummy_copy_rows(last, wanted[copy[-1]] + 1))
        assert state() == "complete"
        assert _script("copy-status.py", "wait", "tickets", "--timeout", "0", env=env).returncode == 0
    finally:
        owners_engine.dispose()
        tickets_engine.dispose()


def test_own_database_names_a_services_database_after_the_shared_one() -> None:
    own_name = _module("own-database.py").own_name
    assert own_name("owners", "tickets") == "tickets"
    assert own_name("estatedesk_owners", "tickets") == "estatedesk_tickets"
    assert own_name("estatedesk", "tickets") == "estatedesk_tickets"
    with pytest.raises(ValueError):
        own_name("", "tickets")


def test_own_database_makes_the_database_once_on_the_same_server(make_database: Callable[[], str]) -> None:
    shared = make_database()
    env = {**os.environ, "DATABASE_URL": shared}
    first = _script("own-database.py", "tickets", env=env)
    assert first.returncode == 0, first.stderr
    own = first.stdout.strip()
    try:
        assert make_url(own).database == f"{make_url(shared).database}_tickets"
        assert make_url(own).set(database="x") == make_url(shared).set(database="x")  # same server, same role
        engine = create_engine(own)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT current_database()")).scalar_one() == make_url(own).database
        engine.dispose()
        again = _script("own-database.py", "tickets", env=env)
        assert again.returncode == 0 and again.stdout.strip() == own, again.stderr
    finally:
        drop_database(own)
    refused = _script("own-database.py", "tickets", env={**os.environ, "DATABASE_URL": "sqlite:///x.sqlite3"})
    assert refused.returncode == 1 and "TICKETS_DATABASE_URL" in refused.stderr
