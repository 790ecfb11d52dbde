"""Backoff between reconnections: growing, capped, jittered, and reset once something works."""

from __future__ import annotations

import random

import pytest

from servicekit.amqp import Backoff, connection_parameters


def test_without_jitter_delays_double_up_to_the_cap() -> None:
    backoff = Backoff(0.5, 5.0, jitter=0)

    assert [backoff.next_delay() for _ in range(6)] == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]


def test_jitter_keeps_each_delay_within_its_band() -> None:
    backoff = Backoff(1.0, 8.0, jitter=0.5, rng=random.Random(7))
    ceilings = [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]

    delays = [backoff.next_delay() for _ in ceilings]

    assert all(ceiling * 0.5 < delay <= ceiling for delay, ceiling in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == len(delays)  # spread out, not one fixed value


def test_reset_starts_again_from_the_initial_delay() -> None:
    backoff = Backoff(0.5, 30.0, jitter=0)
    for _ in range(5):
        backoff.next_delay()

    backoff.reset()

    assert backoff.next_delay() == 0.5


def test_a_long_outage_does_not_overflow() -> None:
    backoff = Backoff(0.5, 30.0, jitter=0)

    assert [backoff.next_delay() for _ in range(2000)][-1] == 30.0


@pytest.mark.parametrize("kwargs", [{"initial": 0}, {"initial": 2, "maximum": 1}, {"factor": 0.5}, {"jitter": 1}])
def test_nonsense_settings_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)


def test_connection_parameters_default_heartbeat_and_blocked_timeout_but_let_the_url_win() -> None:
    default = connection_parameters("amqp://guest:guest@localhost:5672/%2F", connection_name="owners-relay")
    chosen = connection_parameters("amqp://guest:guest@localhost:5672/%2F?heartbeat=5&blocked_connection_timeout=9")

    assert (default.heartbeat, default.blocked_connection_timeout, default.connection_attempts) == (30, 60.0, 1)
    assert default.client_properties == {"connection_name": "owners-relay"}
    assert (chosen.heartbeat, chosen.blocked_connection_timeout) == (5, 9.0)
