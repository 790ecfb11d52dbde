"""tickets' own settings are checked when a process starts: the diary's conflict handling is "warn"
or "refuse", and anything else (a misspelling that would quietly act as "warn") stops it, saying
which variable and what it may be."""

from __future__ import annotations

import pytest

from servicekit.config import ConfigError
from tickets.cli import main
from tickets.service import SERVICE


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.delenv("TICKETS_DATABASE_URL", raising=False)
    monkeypatch.delenv("TICKETS_DIARY_CONFLICTS", raising=False)
    return monkeypatch


@pytest.mark.parametrize("value", ["warn", "refuse"])
def test_warn_and_refuse_are_taken(environment, value: str) -> None:
    environment.setenv("TICKETS_DIARY_CONFLICTS", value)
    assert SERVICE.load_settings().diary_conflicts == value


def test_unset_the_diary_warns(environment) -> None:
    assert SERVICE.load_settings().diary_conflicts == "warn"


@pytest.mark.parametrize("value", ["refused", "REFUSE", "block", "0"])
def test_anything_else_stops_the_process_naming_the_variable_and_the_choices(environment, capsys, value) -> None:
    environment.setenv("TICKETS_DIARY_CONFLICTS", value)
    with pytest.raises(ConfigError) as refused:
        SERVICE.load_settings()
    assert str(refused.value) == f"TICKETS_DIARY_CONFLICTS must be one of warn, refuse, got {value!r}"
    assert main(["timer"]) == 2  # before the timer touches anything
    assert capsys.readouterr().err.strip() == f"tickets: {refused.value}"
