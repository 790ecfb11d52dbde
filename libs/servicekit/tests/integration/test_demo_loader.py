"""A demo loaded through servicekit.demo's frame on PostgreSQL and SQLite: once, then found; a
demo whose copy is not there yet says what to run and exits 1; a loader that loses the race to
another finds the other's demo; the command passes its arguments to the steps."""

from __future__ import annotations

import argparse
import sys
import types

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select

from servicekit.db import make_engine
from servicekit.demo import Demo, DemoRun, NotReady, demo_command, load_demo

metadata = MetaData()
estates = Table("estates", metadata, Column("code", String(10), primary_key=True))  # the copy of another's
notes = Table("notes", metadata, Column("code", String(10), primary_key=True), Column("count", Integer))


class Guestbook:
    name = "guestbook"


def _loaded(run: DemoRun) -> str | None:
    with run.sessions() as session:
        run.from_copy(session, select(estates.c.code).where(estates.c.code == "DEMO"), what="demo estate (DEMO)")
        count = session.execute(select(notes.c.count).where(notes.c.code == "DEMO")).scalar()
    return None if count is None else f"the demo is loaded already ({count} notes)"


def _load(run: DemoRun) -> str:
    with run.sessions() as session:
        session.execute(insert(notes).values(code="DEMO", count=run.options.get("count", 3)))
        session.commit()
    return f"loaded {run.options.get('count', 3)} notes at {run.at:%Y-%m-%d}"


DEMO = Demo(loaded=_loaded, load=_load, then=lambda run: f"try it on port {run.settings.port}")


@pytest.fixture
def settings(scratch_database) -> types.SimpleNamespace:
    return types.SimpleNamespace(database_url=scratch_database(metadata), port=8009)


def _copy_the_estate(settings: types.SimpleNamespace) -> None:
    engine = make_engine(settings.database_url)
    with engine.begin() as conn:
        conn.execute(insert(estates).values(code="DEMO"))
    engine.dispose()


def test_without_the_copy_it_says_what_to_run_and_exits_1(settings, capsys) -> None:
    assert load_demo(Guestbook(), settings, DEMO) == 1  # type: ignore[arg-type]
    assert capsys.readouterr().out == (
        "the guestbook copy of owners holds no demo estate (DEMO) yet: run `owners load-demo` and the guestbook "
        "consumer (`guestbook consume`), or `owners replay --consumer guestbook --state`, then run "
        "`guestbook load-demo` again\n")


def test_it_loads_once_then_finds_it_and_prints_how_to_try_it_either_way(settings, capsys) -> None:
    _copy_the_estate(settings)
    assert load_demo(Guestbook(), settings, DEMO) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out.splitlines()[1:] == ["try it on port 8009"]
    assert load_demo(Guestbook(), settings, DEMO) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out.splitlines() == ["the demo is loaded already (3 notes)", "try it on port 8009"]


def test_a_loader_that_loses_the_race_finds_the_winners_demo(settings, capsys) -> None:
    _copy_the_estate(settings)
    assert load_demo(Guestbook(), settings, DEMO, count=5) == 0  # type: ignore[arg-type]
    capsys.readouterr()
    late_state = {"asked": 0}
    late = Demo(loaded=lambda run: _late(run, late_state), load=_load)
    assert load_demo(Guestbook(), settings, late) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out == "the demo is loaded already (5 notes)\n"
    assert late_state["asked"] == 2


def _late(run: DemoRun, state: dict[str, int]) -> str | None:
    """Blind the first time (the other loader had not committed when this one looked)."""
    state["asked"] += 1
    return None if state["asked"] == 1 else _loaded(run)


def test_a_step_not_ready_exits_1_with_its_message(settings, capsys) -> None:
    def not_yet(run: DemoRun) -> str:
        raise NotReady("the guestbook copy of DEMO has no units yet: let the consumer catch up")

    assert load_demo(Guestbook(), settings, Demo(loaded=lambda run: None, load=not_yet)) == 1  # type: ignore[arg-type]
    assert capsys.readouterr().out == "the guestbook copy of DEMO has no units yet: let the consumer catch up\n"


def test_the_command_loads_the_demo_it_names_with_its_arguments(settings, capsys, monkeypatch) -> None:
    _copy_the_estate(settings)
    module = types.ModuleType("kit_demo_fake")
    module.DEMO = DEMO  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "kit_demo_fake", module)

    def count(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--count", type=int, default=3)

    command = demo_command("kit_demo_fake:DEMO", "load the guestbook's demo", count)
    parser = argparse.ArgumentParser()
    count(parser)
    args = parser.parse_args(["--count", "7"])
    args.command = "load-demo"  # as the service's CLI sets it
    assert command.run(Guestbook(), settings, args) == 0  # type: ignore[arg-type]
    assert capsys.readouterr().out.startswith("loaded 7 notes at ")


def test_what_a_demo_records_is_marked_as_demo_history(settings) -> None:
    """Every event a demo's steps record carries the demo's correlation id, so a consumer that acts
    on the present (notify's messages) tells the demo's made-up past from what happens now."""
    from servicekit import correlation
    from servicekit.demo import DEMO_CORRELATION_PREFIX, is_demo_history
    from servicekit.envelope import CloudEvent

    seen: list[str | None] = []

    def load(run: DemoRun) -> str:
        seen.append(correlation.current())
        return "loaded"

    _copy_the_estate(settings)
    assert load_demo(Guestbook(), settings, Demo(loaded=lambda run: None, load=load)) == 0  # type: ignore[arg-type]
    [cid] = seen
    assert cid is not None and cid.startswith(f"{DEMO_CORRELATION_PREFIX}guestbook:")
    assert is_demo_history(CloudEvent(type="guestbook.entry.signed.v1", source="/estatedesk/guestbook", data={},
                                      correlationid=cid))
    assert not is_demo_history(CloudEvent(type="guestbook.entry.signed.v1", source="/estatedesk/guestbook",
                                          data={}, correlationid="4b1e0c2d9f8a4e7b8c6d5e4f3a2b1c0d"))
    assert correlation.current() is None  # bound for the load only
