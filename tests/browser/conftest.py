"""What the browser tests share: every process of the suite for one test alone (its own databases,
vhost, ports and var/), through the real front door (nginx): each service's web (gunicorn), relay and
consumer, the timers, notify's sender and the SMS and SMTP stand-ins. Each test drives Debian's Chromium with
Playwright for Python (:data:`CHROMIUM`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from servicekit.testing import (
    call_json,
    configured_broker,
    create_vhost,
    delete_vhost,
    free_port,
    running_process,
    service_process,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHROMIUM = "/usr/bin/chromium"
SERVICES = ("gateway", "owners", "tickets", "notify", "surveys")
CONSOLE_SHOTS = Path(os.environ.get("CONSOLE_SCREENSHOTS", ROOT / "var" / "screenshots" / "console"))


class Console:
    """What the console's browser tests share: a page's screenshot (``CONSOLE_SCREENSHOTS``, default
    var/screenshots/console/; README shows the best of them from docs/screenshots/console/) and
    axe-core's verdict on a page."""

    @staticmethod
    def shot(page: Any, name: str, full_page: bool = False) -> None:
        CONSOLE_SHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(CONSOLE_SHOTS / f"{name}.png"), full_page=full_page)

    @staticmethod
    def serious(page: Any) -> list[str]:
        """axe-core's serious and critical violations on the page as it stands."""
        from axe_playwright_python.sync_playwright import Axe

        found = Axe().run(page).response["violations"]
        return [f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:3]}" for v in found
                if v.get("impact") in ("serious", "critical")]

    @classmethod
    def accessible(cls, page: Any) -> None:
        """axe-core finds no serious or critical violation on the page."""
        serious = cls.serious(page)
        assert not serious, f"{page.url}: {serious}"


@pytest.fixture
def console() -> type[Console]:
    return Console


@pytest.fixture
def suite(make_database, tmp_path: Path) -> Iterator[dict]:
    """Every process of the suite for this test alone: its own databases, vhost, ports and var/."""
    amqp_vhost_url = create_vhost(configured_broker())  # its queues and their leftovers go with it
    try:
        yield from _suite(make_database, amqp_vhost_url, tmp_path)
    finally:
        delete_vhost(amqp_vhost_url)


def _suite(make_database, amqp_vhost_url: str, tmp_path: Path) -> Iterator[dict]:  # noqa: ANN001
    ports = {name: free_port() for name in (*SERVICES, "door", "sms", "smtp", "smtp_page")}
    var = tmp_path / "var"
    env = {"ESTATEDESK_VAR": str(var), "AMQP_URL": amqp_vhost_url, "LOG_LEVEL": "WARNING",
           **{f"{name.upper()}_DATABASE_URL": make_database() for name in SERVICES},
           **{f"{name.upper()}_PORT": str(ports[name]) for name in SERVICES},
           "DATABASE_URL": "", "JWT_PUBLIC_KEY": "", "JWT_PUBLIC_KEY_FILE": str(var / "keys" / "jwt-public.pem"),
           "JWT_JWKS_URL": f"http://127.0.0.1:{ports['gateway']}/.well-known/jwks.json",
           "GATEWAY_ENVIRONMENT": "development", "NOTIFY_ENVIRONMENT": "development",
           "GATEWAY_EDGE_PORT": str(ports["door"]), "GATEWAY_EDGE_RATE_STORE": "", "GATEWAY_TRUSTED_PROXIES": "1",
           "NOTIFY_SMS_ENDPOINT": f"http://127.0.0.1:{ports['sms']}", "NOTIFY_SENDER_INTERVAL_SECONDS": "0.2",
           "NOTIFY_SMTP_PORT": str(ports["smtp"]),
           "NOTIFY_RECEIPTS_TOKEN": "estatedesk-local-receipts",
           "SURVEYS_ANSWER_URL": f"http://127.0.0.1:{ports['door']}/survey/"}

    def run(*command: str) -> str:
        done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{' '.join(command)}: {done.stderr[-3000:]}"
        return done.stdout

    run(str(BIN / "servicekit-token"), "keygen")
    for service in SERVICES:
        run(str(BIN / service), "migrate")
        run(str(BIN / service), "topology")
    run(str(BIN / "gateway"), "keys", "ensure")
    with ExitStack() as stack:
        for service in SERVICES:
            metrics = var / "metrics" / service
            metrics.mkdir(parents=True, exist_ok=True)
            web = [str(BIN / "gunicorn"), "-c", f"python:{service}.gunicorn_conf", f"{service}.app:create_app()"]
            stack.enter_context(running_process(web, env={
                **env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)}, what=f"{service}-web"))
            stack.enter_context(service_process(service, "relay", env=env))
            stack.enter_context(service_process(service, "consume", env=env))
        for service, command in (("tickets", "timer"), ("surveys", "timer"), ("notify", "send")):
            stack.enter_context(service_process(service, command, env=env))
        stack.enter_context(service_process(
            "notify", "sms-standin", "--port", str(ports["sms"]), "--callback",
            f"http://127.0.0.1:{ports['notify']}/api/v1/receipts/aliyun/estatedesk-local-receipts", env=env))
        stack.enter_context(service_process("notify", "smtp-standin", "--port", str(ports["smtp"]),
                                            "--http-port", str(ports["smtp_page"]), env=env))
        stack.enter_context(service_process("gateway", "edge", "--run", "--dir", str(var / "edge"), env=env))
        door = f"http://127.0.0.1:{ports['door']}"
        for service in SERVICES:
            wait_for(lambda service=service: call_json("GET", f"{door}/{service}/healthz")[0] == 200,
                     f"{service} at the front door")
        token = run(str(BIN / "servicekit-token"), "issue", "--role", "operator_admin", "--estate", "*").strip()

        def load_demo() -> str:
            """The demo estate as ``make run`` loads it (owners', then each service's once its copy
            holds the estate: tickets, notify, surveys, and the gateway's accounts); its estate id."""
            estate = run(str(BIN / "owners"), "load-demo").split()[-1]
            for service in ("tickets", "notify", "surveys", "gateway"):
                run(sys.executable, str(ROOT / "deploy" / "scripts" / "copy-status.py"), "wait", service,
                    "--timeout", "600")
                run(str(BIN / service), "load-demo", "--door-port", str(ports["door"]))
            return estate

        yield {"door": door, "sms": f"http://127.0.0.1:{ports['sms']}",
               "smtp": f"http://127.0.0.1:{ports['smtp_page']}", "admin": token, "run": run, "var": var,
               "databases": {name: env[f"{name.upper()}_DATABASE_URL"] for name in SERVICES},
               "load_demo": load_demo}
