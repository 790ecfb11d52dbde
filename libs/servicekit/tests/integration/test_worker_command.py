"""A worker's command (servicekit.worker.worker_command) on PostgreSQL and SQLite: ``--once`` does
one round on the service's database and exits with its status; without it, rounds go on until
SIGTERM, which ends the process between rounds."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import types
from typing import Any

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, func, insert, select, text

from servicekit.db import make_engine
from servicekit.worker import RoundDone, worker_command

metadata = MetaData()
ticks = Table("ticks", metadata, Column("id", Integer, primary_key=True, autoincrement=True))


class Ticker:
    """Each round writes one tick; with ``signal_on`` it sends itself SIGTERM in that round."""

    retry_pause = 0.01

    def __init__(self, engine: Engine, *, signal_on: int | None = None, broken: bool = False) -> None:
        self.engine, self.signal_on, self.broken, self.rounds = engine, signal_on, broken, 0

    def run_round(self, stop: threading.Event) -> RoundDone:
        self.rounds += 1
        with self.engine.begin() as conn:
            if self.broken:
                conn.execute(text("SELECT * FROM no_such_table"))
            conn.execute(insert(ticks))
        if self.rounds == self.signal_on:
            os.kill(os.getpid(), signal.SIGTERM)
        return RoundDone({"ticks": 1}, 0.0)


@pytest.fixture
def database_url(scratch_database) -> str:
    return scratch_database(metadata)


@pytest.fixture
def factory(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """A module ``kit_worker_fake`` whose ``build`` makes a Ticker with the options given here."""
    options: dict[str, Any] = {}
    module = types.ModuleType("kit_worker_fake")
    module.build = lambda service, engine, settings: Ticker(engine, **options)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kit_worker_fake", module)
    return options


def _run(url: str, *argv: str) -> int:
    command = worker_command("tick", "write ticks", "kit_worker_fake:build")
    parser = argparse.ArgumentParser()
    assert command.arguments is not None
    command.arguments(parser)
    return command.run(types.SimpleNamespace(name="kit"), types.SimpleNamespace(database_url=url),  # type: ignore[arg-type]
                       parser.parse_args(list(argv)))


def _ticks(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(ticks)).scalar_one()
    finally:
        engine.dispose()


def test_once_runs_one_round_on_the_services_database_prints_it_and_exits_0(database_url, factory, capsys) -> None:
    assert _run(database_url, "--once") == 0
    assert _ticks(database_url) == 1
    assert capsys.readouterr().out == "ticks 1\n"


def test_once_exits_1_when_the_database_fails_the_round(database_url, factory, capsys) -> None:
    factory["broken"] = True
    assert _run(database_url, "--once") == 1
    assert "tick: the round failed on the database" in capsys.readouterr().err
    assert _ticks(database_url) == 0


def test_without_once_rounds_go_on_until_sigterm_and_the_last_one_is_finished(database_url, factory) -> None:
    factory["signal_on"] = 3
    assert _run(database_url) == 0
    assert _ticks(database_url) == 3
