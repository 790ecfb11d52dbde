"""The gateway's pages with one gunicorn worker (``GATEWAY_WEB_WORKERS=1``): a page calls tickets with
the owner's token, and tickets, which has not fetched the gateway's keys yet (its first request, or a
kid it has not seen after a rotation), fetches the JWKS from that same gateway while the page waits.
The gateway must serve its JWKS while a page waits on a service (threads), or the fetch waits until
its timeout and the owner is sent back to sign in. A real gunicorn, a real tickets over HTTP."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy.orm import sessionmaker

from gateway.keys.signing import Signer
from gateway.keys.use_cases import ensure_key
from gateway.pages import session as pages_session
from gateway.service import SERVICE as GATEWAY
from gateway.settings import DEVELOPMENT_KEYS_PASSPHRASE
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.keys import JwksKeys
from servicekit.migrate import upgrade
from servicekit.testing import free_port, migrated_database, running_process, served_app, wait_for
from servicekit.webapp import create_service_app
from tickets.service import SERVICE as TICKETS

BIN = Path(os.environ.get("VIRTUAL_ENV") or Path(__file__).resolve().parents[2] / ".venv") / "bin"


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def test_a_page_whose_service_fetches_the_jwks_is_served_by_one_gateway_worker(make_database, tmp_path_factory,
                                                                                 tmp_path) -> None:
    gateway_url = make_database()
    upgrade(GATEWAY, gateway_url)
    settings = GATEWAY.settings(database_url=gateway_url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                max_body_bytes=64 * 1024, environment="development", key_publish_seconds=0)
    engine = make_engine(gateway_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ensure_key(GATEWAY.unit_of_work(sessions), settings)
    port = free_port()
    gateway = f"http://127.0.0.1:{port}"
    estate, person = str(uuid.uuid4()), str(uuid.uuid4())
    token, _ = Signer(sessions, settings).sign(subject=person, role="owner", estates=[estate])
    # tickets knows no key yet: its first owner's request fetches the gateway's JWKS.
    keys = JwksKeys.from_url(f"{gateway}/.well-known/jwks.json", max_age_seconds=300, min_refresh_seconds=0.5)
    verifier = TokenVerifier(keys, issuer=settings.issuer, audience=settings.audience, roles=TICKETS.roles)
    tickets_settings = TICKETS.settings(
        database_url=migrated_database(TICKETS, "sqlite", make_database, tmp_path_factory), amqp_url="amqp://unused",
        port=0, log_level="WARNING", max_body_bytes=64 * 1024, attachments_dir=str(tmp_path / "attachments"))
    metrics = tmp_path / "metrics"
    metrics.mkdir()
    try:
        with served_app(create_service_app(TICKETS, tickets_settings, verifier)) as tickets:
            env = {"GATEWAY_DATABASE_URL": gateway_url, "DATABASE_URL": "", "GATEWAY_PORT": str(port),
                   "GATEWAY_WEB_WORKERS": "1", "GATEWAY_ENVIRONMENT": "development", "LOG_LEVEL": "WARNING",
                   "GATEWAY_EDGE_UPSTREAMS": f"tickets={tickets.removeprefix('http://')}",
                   "PROMETHEUS_MULTIPROC_DIR": str(metrics)}
            command = [str(BIN / "gunicorn"), "-c", "python:gateway.gunicorn_conf", "gateway.app:create_app()"]
            with running_process(command, env=env, what="gateway-web"):
                wait_for(lambda: _answers(f"{gateway}/my/sign-in"), "gateway-web", timeout=60)
                kept = {"csrf": uuid.uuid4().hex, "access": token, "refresh": "unused", "person": person,
                        "estates": [estate], "until": int(time.time()) + 900, "estate_name": "阳光花园"}
                cookie = pages_session.serializer(DEVELOPMENT_KEYS_PASSPHRASE).dumps(kept)
                home = httpx.get(f"{gateway}/my/", cookies={pages_session.COOKIE: cookie}, timeout=60)
                assert home.status_code == 200, (home.status_code, home.headers.get("Location"))
                assert 'href="/my/report"' in home.text
    finally:
        engine.dispose()
