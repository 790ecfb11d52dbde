"""The worker loop (servicekit.worker): rounds and the pauses they ask for, until stopped; a round
the database fails is tried again, any other error ends it; the command's ``--once``. No I/O:
the workers here are fakes and the stop event never really waits."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading

import pytest
from sqlalchemy.exc import OperationalError

from servicekit.amqp import stop_on_signals
from servicekit.service import resolve
from servicekit.worker import RoundDone, run_worker, worker_command


class Stop(threading.Event):
    """A stop event whose wait returns at once and is recorded; set after ``rounds`` waits."""

    def __init__(self, rounds: int) -> None:
        super().__init__()
        self.rounds, self.waits = rounds, []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout)
        if len(self.waits) >= self.rounds:
            self.set()
        return self.is_set()


class Fake:
    """A worker whose rounds are scripted: each item a RoundDone to answer or an error to raise."""

    retry_pause = 7.0

    def __init__(self, *script: RoundDone | Exception, stop_after: threading.Event | None = None) -> None:
        self.script, self.rounds = list(script), 0
        self.stop_after = stop_after

    def run_round(self, stop: threading.Event) -> RoundDone:
        step = self.script[self.rounds % len(self.script)]
        self.rounds += 1
        if isinstance(step, Exception):
            raise step
        if self.stop_after is not None and self.rounds == len(self.script):
            self.stop_after.set()
        return step


def test_rounds_run_until_stopped_each_followed_by_the_pause_it_asks_for() -> None:
    stop = Stop(rounds=3)
    worker = Fake(RoundDone({"sent": 4}, 0.5), RoundDone({"sent": 0}, 2.0))
    run_worker("sender", worker, stop)
    assert worker.rounds == 3 and stop.waits == [0.5, 2.0, 0.5]


def test_a_round_that_asks_for_no_pause_is_followed_by_the_next_at_once() -> None:
    stop = Stop(rounds=1)
    worker = Fake(RoundDone({"sent": 1000}, 0.0), RoundDone({"sent": 1}, 0.0), RoundDone({"sent": 0}, 1.0))
    run_worker("sender", worker, stop)
    assert worker.rounds == 3 and stop.waits == [1.0]


def test_a_stopped_worker_runs_no_round() -> None:
    stop = Stop(rounds=1)
    stop.set()
    worker = Fake(RoundDone({}, 1.0))
    run_worker("timer", worker, stop)
    assert worker.rounds == 0


def test_a_round_the_database_fails_is_logged_and_tried_again_after_the_retry_pause(caplog) -> None:
    stop = Stop(rounds=2)
    worker = Fake(OperationalError("SELECT 1", {}, Exception("the database is restarting")),
                  RoundDone({"warned": 1}, 0.25))
    with caplog.at_level(logging.INFO, logger="servicekit.worker"):
        run_worker("timer", worker, stop)
    assert worker.rounds == 2 and stop.waits == [7.0, 0.25]
    failed = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert [r.getMessage() for r in failed] == ["timer round failed; trying again"]
    assert "the database is restarting" in failed[0].error


def test_any_other_error_ends_the_loop() -> None:
    worker = Fake(RoundDone({}, 0.0), KeyError("a bug"))
    with pytest.raises(KeyError, match="a bug"):
        run_worker("timer", worker, Stop(rounds=10))
    assert worker.rounds == 2


def test_only_rounds_that_did_something_are_logged_with_their_counts(caplog) -> None:
    stop = Stop(rounds=2)
    worker = Fake(RoundDone({"warned": 0, "breached": 0}, 1.0), RoundDone({"warned": 2, "breached": 0}, 1.0))
    with caplog.at_level(logging.INFO, logger="servicekit.worker"):
        run_worker("timer", worker, stop)
    rounds = [r for r in caplog.records if r.getMessage() == "timer round"]
    assert [r.done for r in rounds] == [{"warned": 2, "breached": 0}]
    assert [r.getMessage() for r in caplog.records if r is not rounds[0]] == ["timer started", "timer stopped"]


def test_sigterm_stops_the_loop_between_rounds_and_the_round_in_hand_is_finished() -> None:
    finished = []

    class SignalledMidRound(Fake):
        def run_round(self, stop: threading.Event) -> RoundDone:
            if self.rounds == 1:
                os.kill(os.getpid(), signal.SIGTERM)  # arrives while the second round is running
            done = super().run_round(stop)
            finished.append(self.rounds)
            return done

    with stop_on_signals() as stop:
        run_worker("sender", SignalledMidRound(RoundDone({"sent": 1}, 0.0)), stop)
    assert finished == [1, 2]


def test_the_counts_read_as_the_once_line_prints_them() -> None:
    assert RoundDone({"warned": 1, "breached": 0}, 1.0).summary() == "warned 1, breached 0"
    assert RoundDone({"warned": 0}, 1.0).idle and not RoundDone({"warned": 1}, 1.0).idle


def test_a_worker_command_takes_once_and_names_its_factory_without_importing_it() -> None:
    command = worker_command("timer", "run the timer", "no_such_package.timer:build")  # not imported yet
    parser = argparse.ArgumentParser()
    assert command.arguments is not None
    command.arguments(parser)
    assert parser.parse_args(["--once"]).once is True and parser.parse_args([]).once is False
    assert (command.name, command.help, command.needs_settings) == ("timer", "run the timer", True)


def test_a_reference_names_a_module_and_a_dotted_attribute() -> None:
    assert resolve("servicekit.worker:RoundDone.summary") is RoundDone.summary
    with pytest.raises(ValueError, match="names no attribute"):
        resolve("servicekit.worker")
