"""`make run`'s script brings the whole suite up on one machine: the front door (nginx) answers
every service under its prefix, every web process answers
/healthz on its own port, every other process of deploy/Procfile runs (owners' relay; tickets' relay,
consumer and timer; notify's relay, consumer and sender, and the SMS and SMTP stand-ins; surveys'
relay and consumer), the demo estate is searchable, the relay empties the outbox, tickets', notify's
and surveys' consumers build their copies of the demo estate from the live events, tickets loads its
demo tickets, notify its demo templates and surveys its demo questionnaire,
the stand-ins answer on their pages (where a newcomer sees what arrived), nothing has been sent to
anyone before the newcomer acts, README's stories work word for word (:mod:`readme_stories`),
and Ctrl-C stops it all.

Runs the real script (deploy/scripts/run-local.sh) against a scratch var/ folder, a free port and
this test run's own RabbitMQ vhost, so it never touches a developer's running `make run`.
"""

from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import socket
import sqlite3
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from servicekit.testing import rabbitmqctl

from . import readme_stories

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "deploy" / "scripts" / "run-local.sh"
BIN = ROOT / ".venv" / "bin"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def _wait(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def _procfile() -> dict[str, str]:
    lines = [line.split(":", 1) for line in (ROOT / "deploy" / "Procfile").read_text().splitlines()
             if line and not line.startswith("#")]
    return {name.strip(): command.strip() for name, command in lines}


def _head(command: str) -> str:
    """What a Procfile line runs, before its options: `notify sms-standin --port "${...}"` ->
    `notify sms-standin` (the shell expands the options, so the running command line differs)."""
    return command.split(" --", 1)[0].strip()


def _runs(cmd: str, command: str) -> bool:
    return re.search(rf"(^|[\s/]){re.escape(_head(command))}(\s|$)", cmd) is not None


def _page(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _descendants(root: int) -> dict[int, str]:
    """Every process below ``root`` (honcho starts each of its processes in a session of its own,
    so they are found by parentage): pid -> command line."""
    table = subprocess.run(["ps", "-e", "-o", "pid=,ppid=,args="], capture_output=True, text=True).stdout
    children: dict[int, list[tuple[int, str]]] = {}
    for line in table.splitlines():
        pid, ppid, *args = line.split(None, 2)
        children.setdefault(int(ppid), []).append((int(pid), args[0] if args else ""))
    found, todo = {}, [root]
    while todo:
        for pid, args in children.get(todo.pop(), []):
            found[pid] = args
            todo.append(pid)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _inbox_depths(vhost: str) -> dict[str, int]:
    """How many messages wait in each service's inbox queue of ``vhost`` (the test session's vhost
    holds other tests' queues too)."""
    rows = [line.split("\t") for line in rabbitmqctl("-q", "list_queues", "-p", vhost, "--no-table-headers",
                                                      "name", "messages").splitlines() if line.strip()]
    services = {name.removesuffix("-web") for name in _procfile() if name.endswith("-web")}
    return {name: int(count) for name, count in rows if name.removesuffix(".inbox") in services}


def _count(database: Path, query: str) -> int:
    with sqlite3.connect(database) as db:
        return db.execute(query).fetchone()[0] or 0


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "honcho").exists(), reason="run through `make test`")
def test_make_run_brings_up_the_suite_with_the_demo_estate(tmp_path, amqp_vhost_url):
    processes = _procfile()
    ports = {name: _free_port() for name in processes if name.endswith("-web")}
    port = ports["owners-web"]
    standins = {"SMS_STANDIN_PORT": _free_port(), "SMTP_STANDIN_PORT": _free_port(),
                "SMTP_STANDIN_PAGE_PORT": _free_port()}
    env = {**os.environ, "ESTATEDESK_VAR": str(tmp_path / "var"), "AMQP_URL": amqp_vhost_url,
           "ESTATEDESK_ROOT": str(ROOT), **{key: str(value) for key, value in standins.items()}}
    env.update({f"{name.removesuffix('-web').upper()}_PORT": str(web_port) for name, web_port in ports.items()})
    door = _free_port()  # the front door (gateway-edge: nginx)
    env["GATEWAY_EDGE_PORT"] = str(door)
    env.pop("JWT_JWKS_URL", None)
    for name in [key for key in env if key.startswith("NOTIFY_SM")]:
        env.pop(name)  # notify finds the stand-ins as run-local.sh sets them
    for name in [key for key in env if key == "DATABASE_URL" or key.endswith("_DATABASE_URL")]:
        env.pop(name)  # the embedded default, as on a newcomer's machine
    seen: dict[int, str] = {}  # every process of the suite, once seen running
    log = open(tmp_path / "run.log", "w")
    suite = subprocess.Popen(["bash", str(SCRIPT)], cwd=ROOT, env=env, stdout=log,
                             stderr=subprocess.STDOUT, start_new_session=True)
    try:
        for name, web_port in ports.items():
            url = f"http://127.0.0.1:{web_port}/healthz"
            # The first answers wait for the migrations and the owners demo (minutes on a loaded machine).
            _wait(lambda url=url: _get(url)[0] == 200, 300, f"{name} /healthz")
            assert _get(f"http://127.0.0.1:{web_port}/readyz")[0] == 200, name

        # Every other process is up, under its own command line (`tickets consume`, ...).
        others = {name: command for name, command in processes.items() if not name.endswith("-web")}

        def all_running() -> bool:
            running = _descendants(suite.pid)
            seen.update(running)
            return all(any(_runs(cmd, command) for cmd in running.values()) for command in others.values())

        _wait(all_running, 60, f"the processes {sorted(others)}")

        token = subprocess.run(
            [str(ROOT / ".venv" / "bin" / "servicekit-token"), "issue", "--role", "service_desk_agent",
             "--estate", "*"], env=env, capture_output=True, text=True, check=True).stdout.strip()
        for _ in range(4):  # enough requests that both gunicorn workers serve some
            status, found = _get(f"http://127.0.0.1:{port}/api/v1/people?q=%E5%BC%A0&page_size=5", token)
            assert status == 200 and found["items"], found
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
            metrics = response.read().decode()
        searches = [line for line in metrics.splitlines()
                    if line.startswith("http_requests_total{") and 'endpoint="/api/v1/people"' in line]
        assert sum(float(line.rsplit(" ", 1)[1]) for line in searches) == 4, searches

        # The front door answers every service under its prefix, with the same token.
        _wait(lambda: _get(f"http://127.0.0.1:{door}/owners/healthz")[0] == 200, 60, "the front door")
        status, found = _get(f"http://127.0.0.1:{door}/owners/api/v1/people?q=%E5%BC%A0&page_size=5", token)
        assert status == 200 and found["items"], found
        assert _get(f"http://127.0.0.1:{door}/.well-known/jwks.json")[1]["keys"]
        assert f"The one address to use: http://localhost:{door}/" in (tmp_path / "run.log").read_text()

        outbox = tmp_path / "var" / "owners.sqlite3"

        def outbox_drained() -> bool:
            with sqlite3.connect(outbox) as db:
                pending, total = db.execute(
                    "SELECT sum(published_at IS NULL), count(*) FROM outbox").fetchone()
            return total > 1000 and pending == 0

        _wait(outbox_drained, 120, "the relay to publish the demo estate's events")

        # tickets' consumer received those events live (its queue was bound first) and its copy holds
        # the demo estate.
        status = [str(BIN / "python"), str(ROOT / "deploy" / "scripts" / "copy-status.py"), "state", "tickets"]
        _wait(lambda: subprocess.run(status, env=env, capture_output=True, text=True).stdout.strip()
              == "complete", 180, "tickets' copy of the demo estate")
        tickets_db = tmp_path / "var" / "tickets.sqlite3"
        _wait(lambda: _count(tickets_db, "SELECT count(*) FROM tickets") >= 100, 180, "tickets' demo tickets")
        # ... and tickets' relay publishes their events.
        _wait(lambda: _count(tickets_db, "SELECT count(*) FROM outbox") > 0
              and _count(tickets_db, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0,
              120, "tickets' relay to publish the demo tickets' events")

        # notify's consumer built its copy of the demo estate from the same live events, and notify
        # loaded its demo templates on it and printed how to send the fee notice.
        notify_status = [*status[:-1], "notify"]
        _wait(lambda: subprocess.run(notify_status, env=env, capture_output=True, text=True).stdout.strip()
              == "complete", 180, "notify's copy of the demo estate")
        notify_db = tmp_path / "var" / "notify.sqlite3"
        _wait(lambda: _count(notify_db, "SELECT count(*) FROM templates") == 3, 120, "notify's demo templates")
        _wait(lambda: "/api/v1/notices -d '" in (tmp_path / "run.log").read_text(), 60, "the curl line of the demo")
        # surveys' consumer built its copy of the demo estate from the same live events (its households
        # are what a wave samples), and surveys loaded its demo questionnaire on it.
        surveys_status = [*status[:-1], "surveys"]
        _wait(lambda: subprocess.run(surveys_status, env=env, capture_output=True, text=True).stdout.strip()
              == "complete", 180, "surveys' copy of the demo estate")
        surveys_db = tmp_path / "var" / "surveys.sqlite3"
        _wait(lambda: _count(surveys_db, "SELECT count(*) FROM questionnaire_versions WHERE published_at IS NOT NULL")
              == 1, 120, "surveys' demo questionnaire")
        output = (tmp_path / "run.log").read_text()
        assert f"http://localhost:{standins['SMS_STANDIN_PORT']}/" in output  # where the SMS arrive
        assert f"http://localhost:{standins['SMTP_STANDIN_PAGE_PORT']}/" in output  # where the e-mails arrive
        # The stand-ins answer where the output says.
        if "sms-standin" in processes:
            _wait(lambda: _page(f"http://127.0.0.1:{standins['SMS_STANDIN_PORT']}/") == 200, 60, "the SMS stand-in")
        if "smtp-standin" in processes:
            _wait(lambda: _page(f"http://127.0.0.1:{standins['SMTP_STANDIN_PAGE_PORT']}/") == 200, 60,
                  "the SMTP stand-in's page")
            with smtplib.SMTP("127.0.0.1", standins["SMTP_STANDIN_PORT"], timeout=10) as smtp:
                assert smtp.noop()[0] == 250
        assert all_running(), f"a process of the suite stopped: {sorted(set(seen.values()))}"

        # Once every consumer has caught up with the demo's events, the newcomer follows README.
        vhost = urllib.parse.unquote(amqp_vhost_url.rsplit("/", 1)[1])
        depths: dict[str, int] = {}

        def caught_up() -> bool:
            depths.update(_inbox_depths(vhost))
            return len(depths) >= 2 and not any(depths.values())

        try:
            _wait(caught_up, 180, "every consumer to catch up with the demo's events")
        except AssertionError:
            raise AssertionError(f"the consumers did not catch up with the demo's events: {depths}") from None
        # The gateway's demo accounts (signed in with at the door) are made once its copy holds the
        # demo estate.
        _wait(lambda: "login desk" in (tmp_path / "run.log").read_text(), 120, "the gateway's demo accounts")
        you = readme_stories.Newcomer(
            log=tmp_path / "run.log", door=f"http://localhost:{door}",
            sms=f"http://localhost:{standins['SMS_STANDIN_PORT']}",
            smtp_page=f"http://localhost:{standins['SMTP_STANDIN_PAGE_PORT']}")
        readme_stories.nothing_sent_before_anyone_acts(you)
        readme_stories.complaint_at_the_desk(you)
        readme_stories.fee_notice(you)
        owners_db = tmp_path / "var" / "owners.sqlite3"
        assert _count(owners_db, "SELECT count(*) FROM pii_reveals") == 0
        readme_stories.a_number_shown_whole(you)
        # The number the desk's granted token revealed through the door is in owners' privacy audit.
        assert _count(owners_db, "SELECT count(*) FROM pii_reveals WHERE role = 'service_desk_agent'") >= 1
        readme_stories.the_owner_signs_in_by_code(you)
        readme_stories.the_quarterly_survey(you)
        assert all_running(), f"a process of the suite stopped: {sorted(set(seen.values()))}"
    finally:
        os.killpg(suite.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            suite.wait(timeout=30)
        finally:
            if suite.poll() is None:
                os.killpg(suite.pid, signal.SIGKILL)
            log.close()
    # The background step that loads tickets' demo notices within 2 s that honcho ended.
    try:
        _wait(lambda: not any(_alive(pid) for pid in seen), 20, "every process to stop")
    except AssertionError:
        raise AssertionError(f"Ctrl-C left processes running: {[a for p, a in seen.items() if _alive(p)]}") from None
