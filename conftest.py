"""What every test of the repository shares: its kind follows its folder.

* A test under a ``unit/`` folder is a unit test: it does no I/O. While it runs, opening a network
  connection or a database (SQLite included) fails the test, so a "unit" test that needs a
  server or a file database cannot hide in the fast tests.
* A test under an ``integration/`` folder, or anywhere in the cross-service ``tests/`` at the
  root, is an integration test: it is marked ``integration`` here, never by hand, so
  ``make test PYTEST_ARGS='-m "not integration"'`` runs exactly the unit tests.
* A test in neither kind of folder is a collection error: say what it is by where it lives.
* Hypothesis checks properties, never speed: its time limits (the per-example deadline, the "input
  generation is slow" health check) are off for every test, since a machine shared with other
  suites makes them fail at random. Speed is the benchmarks' business.
"""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The gateway lives at the top level (gateway/src/gateway): pytest's importlib mode names its tests'
# modules gateway.tests.*, and would take the folder gateway/ for the package `gateway` (whose
# gateway.service it then cannot find) unless the installed package is imported first.
import gateway  # noqa: F401

settings.register_profile("estatedesk", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("estatedesk")

ROOT = Path(__file__).resolve().parent
CROSS_SERVICE = ROOT / "tests"


def kind_of(path: Path) -> str | None:
    """``unit`` or ``integration`` by the folders ``path`` lies in; None when neither says."""
    parts = path.resolve().relative_to(ROOT).parts[:-1]
    if "unit" in parts:
        return "unit"
    if "integration" in parts or path.resolve().is_relative_to(CROSS_SERVICE):
        return "integration"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    unplaced = sorted({str(item.path.relative_to(ROOT)) for item in items if kind_of(item.path) is None})
    if unplaced:
        raise pytest.UsageError("tests must live in a unit/ or integration/ folder (or the root tests/): "
                                + ", ".join(unplaced))
    for item in items:
        if kind_of(item.path) == "integration":
            item.add_marker(pytest.mark.integration)


class UnitTestDidIO(AssertionError):
    """A unit test opened a connection or a database."""


def _refuse(what: str):  # noqa: ANN202 - a stand-in of whatever it replaces
    def refused(*args: object, **kwargs: object) -> None:
        raise UnitTestDidIO(f"a unit test may not {what}: move it to integration/ or give it a fake")
    return refused


@pytest.fixture(autouse=True)
def _no_io_in_unit_tests(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if kind_of(request.node.path) != "unit":
        return
    monkeypatch.setattr(socket.socket, "connect", _refuse("open a network connection"))
    monkeypatch.setattr(socket.socket, "connect_ex", _refuse("open a network connection"))
    monkeypatch.setattr(sqlite3, "connect", _refuse("open a database"))
