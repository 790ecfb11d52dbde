"""deploy/scripts/ensure-servers.sh, what `make run`, `make test`, `make bench` and .ci/run call first.

Played as a non-root user (``setpriv --reuid=nobody``) on a machine where the servers are missing:
the folders searched for installed commands are replaced (``ENSURE_SERVERS_SEARCH_PATH``) and the
URLs point at ports where nothing listens. The script must stop at once, before installing or
starting anything, and name the exact command to run as root. Where everything answers (this
machine) it must pass without a word on stderr. The root path, which installs and starts, was
run for real on a fresh Debian (see the README section "Two commands on a fresh machine").
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from servicekit.testing import configured_broker, configured_postgres

ROOT = Path(__file__).resolve().parents[2]
SETPRIV = shutil.which("setpriv")

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or SETPRIV is None,
                                reason="needs root and setpriv to play a non-root user")


def _copy_for_nobody() -> Path:
    """The Makefile and the script in a folder user nobody can read (a clone under /root is not)."""
    folder = Path(tempfile.mkdtemp(prefix="ensure-servers-"))
    (folder / "deploy" / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "Makefile", folder / "Makefile")
    shutil.copy2(ROOT / "deploy" / "scripts" / "ensure-servers.sh", folder / "deploy" / "scripts")
    for path in (folder, *folder.rglob("*")):
        path.chmod(0o755)
    return folder


@pytest.fixture(scope="module")
def copy() -> Iterator[Path]:
    folder = _copy_for_nobody()
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def script(copy: Path) -> Path:
    return copy / "deploy" / "scripts" / "ensure-servers.sh"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the socket is: nothing listens there


def _as_nobody(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": "/tmp", "LANG": "C.UTF-8"}
    return subprocess.run([SETPRIV, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *args],
                          env={**base, **env}, capture_output=True, text=True, timeout=60, cwd=cwd)


def _missing_everything() -> dict[str, str]:
    return {"ENSURE_SERVERS_SEARCH_PATH": "/nonexistent",
            "AMQP_URL": f"amqp://guest:guest@127.0.0.1:{_closed_port()}/%2F",
            "DATABASE_URL": f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/postgres"}


def test_a_non_root_user_on_a_bare_machine_is_told_the_one_command_to_run(script):
    env = _missing_everything()
    done = _as_nobody([str(script), "rabbitmq", "rabbitmqctl", "postgres", "--optional", "chromium"],
                      script.parents[2], **env)
    assert done.returncode == 1, done
    assert ("needs root to install rabbitmq-server postgresql chromium fonts-noto-cjk and start rabbitmq postgres"
            in done.stderr)
    # The exact command: the same script, the same needs and servers, as root.
    expected = (f"AMQP_URL={env['AMQP_URL']} DATABASE_URL={env['DATABASE_URL']} {script} "
                "rabbitmq rabbitmqctl postgres --optional chromium")
    command_line = next(line for line in done.stderr.splitlines() if str(script) in line and "runs:" not in line)
    assert expected in command_line, done.stderr
    assert command_line.split(":", 1)[1].split()[0] in {"sudo", "su"}
    assert ("apt-get install -y --no-install-recommends rabbitmq-server postgresql chromium fonts-noto-cjk"
            in done.stderr)
    assert "installing" not in done.stdout and "starting" not in done.stdout


def test_installed_but_stopped_servers_are_named_with_the_command_that_starts_them(script):
    env = _missing_everything()
    del env["ENSURE_SERVERS_SEARCH_PATH"]  # this machine has them installed
    done = _as_nobody([str(script), "rabbitmq", "postgres"], script.parents[2], **env)
    assert done.returncode == 1, done
    assert "needs root to start rabbitmq postgres" in done.stderr
    assert "install" not in done.stderr.split("Run this")[0]


def test_a_missing_optional_tool_is_a_warning_and_the_command_goes_on(script):
    done = _as_nobody([str(script), "--optional", "wrk"], script.parents[2], ENSURE_SERVERS_SEARCH_PATH="/nonexistent")
    assert done.returncode == 0, done
    assert "warning: wrk missing" in done.stderr
    assert f"{script} --optional wrk" in done.stderr


def test_a_broker_on_another_machine_is_not_started_here(script):
    done = _as_nobody([str(script), "rabbitmq"], script.parents[2],
                      AMQP_URL="amqp://guest:guest@broker.invalid:5672/%2F")
    assert done.returncode == 1
    assert "not on this machine, so it cannot be started here" in done.stderr


def test_unknown_needs_are_refused(script):
    done = _as_nobody([str(script), "rabbitmq", "mongodb"], script.parents[2])
    assert done.returncode == 2
    assert "unknown need 'mongodb'" in done.stderr


def test_where_everything_answers_nothing_is_done_or_said(script):
    done = _as_nobody([str(script), "python3-venv", "rabbitmq", "rabbitmqctl", "postgres"], script.parents[2],
                      AMQP_URL=configured_broker(), DATABASE_URL=configured_postgres())
    assert done.returncode == 0, done
    assert done.stderr == ""
    assert "rabbitmq answers" in done.stdout and "postgres answers" in done.stdout


@pytest.mark.parametrize("target", ["test", "run", "bench"])
def test_make_stops_before_installing_anything(target, copy):
    """`make test` (run, bench) checks the machine first; it must not get to pip or pytest."""
    env = _missing_everything()
    for name in ("TEST_AMQP_URL", "TEST_DATABASE_URL"):
        env[name] = env[name.removeprefix("TEST_")]
    if target == "run":
        env["DATABASE_URL"] = "sqlite:///unused.sqlite3"  # make run's default database: no PostgreSQL needed
    done = _as_nobody(["make", "-s", target, "PYTEST_ARGS=--version"], copy, **env)
    assert done.returncode != 0, done
    assert "ensure-servers: error: this needs root to install rabbitmq-server" in done.stderr, done.stderr
    assert "pytest" not in done.stdout + done.stderr and "pip" not in done.stdout
    if target == "run":
        assert "postgresql" not in done.stderr
