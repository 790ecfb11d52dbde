"""servicekit.testing's waiting and process helpers."""

from __future__ import annotations

import itertools
import signal
from pathlib import Path

import pytest

from servicekit.testing import service_process, wait_for


def test_wait_for_returns_once_the_condition_holds() -> None:
    calls = itertools.count()
    wait_for(lambda: next(calls) >= 3, "three calls", timeout=10, interval=0.01)
    assert next(calls) == 4  # asked four times (0..3)


def test_wait_for_fails_the_test_naming_what_it_waited_for() -> None:
    with pytest.raises(pytest.fail.Exception, match="timed out after 0s waiting for godot"):
        wait_for(lambda: False, "godot", timeout=0.05, interval=0.01)


def test_service_process_runs_a_packages_command_until_it_is_stopped(tmp_path: Path) -> None:
    (tmp_path / "sleeper").mkdir()
    (tmp_path / "sleeper" / "__init__.py").write_text("")
    (tmp_path / "sleeper" / "cli.py").write_text(
        "import sys, pathlib, time\npathlib.Path(sys.argv[1]).write_text('up')\ntime.sleep(600)\n")
    marker = tmp_path / "started"
    with service_process("sleeper", str(marker), env={"PYTHONPATH": str(tmp_path)}) as process:
        wait_for(marker.exists, "the command to start", timeout=60)
        assert process.poll() is None
    assert process.returncode == -signal.SIGTERM
