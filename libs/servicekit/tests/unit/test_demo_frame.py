"""The demo-loader frame (servicekit.demo) without a database: loading once, a race lost to another
loader, and the command's arguments passed on as options."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from servicekit.demo import Demo, DemoRun, _load_once, demo_command

RUN = DemoRun(service=None, settings=None, sessions=None, at=datetime(2026, 12, 1, tzinfo=UTC))  # type: ignore[arg-type]


class Script:
    """A demo whose ``loaded`` answers come from a list, and whose ``load`` counts its calls."""

    def __init__(self, *loaded: str | None, load_fails: bool = False) -> None:
        self.answers, self.loads, self.load_fails = list(loaded), 0, load_fails

    def loaded(self, _run: DemoRun) -> str | None:
        return self.answers.pop(0)

    def load(self, _run: DemoRun) -> str:
        self.loads += 1
        if self.load_fails:
            raise IntegrityError("INSERT INTO estates", {}, Exception("duplicate key value (code)=(DEMO)"))
        return "loaded the demo"

    def demo(self) -> Demo:
        return Demo(loaded=self.loaded, load=self.load)


def test_a_demo_not_there_is_loaded() -> None:
    script = Script(None)
    assert _load_once(RUN, script.demo()) == "loaded the demo" and script.loads == 1


def test_a_demo_already_there_is_reported_and_not_loaded_again() -> None:
    script = Script("the demo is loaded already")
    assert _load_once(RUN, script.demo()) == "the demo is loaded already" and script.loads == 0


def test_a_loader_that_lost_the_race_reports_the_winners_demo() -> None:
    script = Script(None, "the demo is loaded already", load_fails=True)
    assert _load_once(RUN, script.demo()) == "the demo is loaded already" and script.loads == 1


def test_an_integrity_error_that_is_not_a_lost_race_is_raised() -> None:
    script = Script(None, None, load_fails=True)
    with pytest.raises(IntegrityError):
        _load_once(RUN, script.demo())


def test_the_command_is_load_demo_with_the_services_own_arguments() -> None:
    def count(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--count", type=int, default=300)

    command = demo_command("no_such_package.demo:DEMO", "load the demo", count)  # not imported yet
    parser = argparse.ArgumentParser()
    assert command.name == "load-demo"
    command.arguments(parser)
    parsed = parser.parse_args(["--count", "60", "--door-port", "8123"])
    assert parsed.count == 60 and parsed.door_port == 8123  # every demo's printed lines name the front door
    assert parser.parse_args([]).door_port == 8000


def test_the_lines_a_demo_prints_name_the_front_door() -> None:
    assert DemoRun(None, None, None, datetime.now(UTC), {"door_port": 8123}).door == "http://localhost:8123"
    assert DemoRun(None, None, None, datetime.now(UTC)).door == "http://localhost:8000"


def test_a_run_gives_the_service_s_units_of_work() -> None:
    made: list[Any] = []

    class Service:
        def unit_of_work(self, sessions: Any) -> str:
            made.append(sessions)
            return "a unit of work"

    run = DemoRun(service=Service(), settings=None, sessions="sessions", at=RUN.at)  # type: ignore[arg-type]
    assert run.unit_of_work() == "a unit of work" and made == ["sessions"]
