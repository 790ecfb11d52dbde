"""The gateway's pages served by a real gunicorn with one worker (``GATEWAY_WEB_WORKERS=1``): a page calls tickets with
the owner's token, and tickets, which has not fetched the gateway's keys yet (its first request, or a
kid it has not seen after a rotation), fetches the JWKS from that same gateway while the page waits.
The gateway must serve its JWKS while a page waits on a service (threads), or the fetch waits until
its timeout and the owner is sent back to sign in. A real gunicorn, a real tickets over HTTP.

The same pair shows the pages' token refresh: a session whose access token is about to run out is
refreshed with its refresh token before the page (a new pair in the cookie, the old refresh token
used up), and one whose refresh is refused is signed out."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import insert
from sqlalchemy.orm import sessionmaker

from gateway.keys.signing import Signer
from gateway.keys.use_cases import ensure_key
from gateway.pages import session as pages_session
from gateway.service import SERVICE as GATEWAY
from gateway.settings import DEVELOPMENT_KEYS_PASSPHRASE
from gateway.sign_in import refresh_family
from gateway.tables import occupancies, people
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.keys import JwksKeys
from servicekit.migrate import upgrade
from servicekit.rows import now
from servicekit.testing import free_port, migrated_database, running_process, served_app, wait_for
from servicekit.webapp import create_service_app
from tickets.service import SERVICE as TICKETS

BIN = Path(os.environ.get("VIRTUAL_ENV") or Path(__file__).resolve().parents[2] / ".venv") / "bin"


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.fixture(scope="module")
def served(make_database, tmp_path_factory) -> Iterator[dict]:
    """gateway-web under gunicorn (GATEWAY_WEB_WORKERS=1) with a signing key and one owner in its copy
    of owners; tickets in this process, verifying from the gateway's JWKS and knowing no key yet (until
    the module's first test, the one that needs it so)."""
    gateway_url = make_database()
    upgrade(GATEWAY, gateway_url)
    settings = GATEWAY.settings(database_url=gateway_url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                max_body_bytes=64 * 1024, environment="development", key_publish_seconds=0)
    engine = make_engine(gateway_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ensure_key(GATEWAY.unit_of_work(sessions), settings)
    estate, person = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as db:
        db.execute(insert(people).values(id=person, estate_id=estate, name="张伟", mobile="13812345678", version=1))
        db.execute(insert(occupancies).values(id=uuid.uuid4(), estate_id=estate, unit_id=uuid.uuid4(),
                                              person_id=person, role="owner", version=1))
    port = free_port()
    gateway = f"http://127.0.0.1:{port}"
    keys = JwksKeys.from_url(f"{gateway}/.well-known/jwks.json", max_age_seconds=300, min_refresh_seconds=0.5)
    verifier = TokenVerifier(keys, issuer=settings.issuer, audience=settings.audience, roles=TICKETS.roles)
    folder = tmp_path_factory.mktemp("one-worker")
    tickets_settings = TICKETS.settings(
        database_url=migrated_database(TICKETS, "sqlite", make_database, tmp_path_factory), amqp_url="amqp://unused",
        port=0, log_level="WARNING", max_body_bytes=64 * 1024, attachments_dir=str(folder / "attachments"))
    metrics = folder / "metrics"
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
                yield {"gateway": gateway, "sessions": sessions, "settings": settings, "estate": str(estate),
                       "person": str(person)}
    finally:
        engine.dispose()


def _cookie(served: dict, **kept: object) -> dict[str, str]:
    session = {"csrf": uuid.uuid4().hex, "refresh": "unused", "person": served["person"],
               "estates": [served["estate"]], "until": int(time.time()) + 900, "estate_name": "阳光花园", **kept}
    return {pages_session.COOKIE: pages_session.serializer(DEVELOPMENT_KEYS_PASSPHRASE).dumps(session)}


def _kept(answer: httpx.Response) -> dict:
    return pages_session.serializer(DEVELOPMENT_KEYS_PASSPHRASE).loads(answer.cookies[pages_session.COOKIE])


def test_a_page_whose_service_fetches_the_jwks_is_served_by_one_gateway_worker(served) -> None:
    token, _ = Signer(served["sessions"], served["settings"]).sign(subject=served["person"], role="owner",
                                                                  estates=[served["estate"]])
    home = httpx.get(f"{served['gateway']}/my/", cookies=_cookie(served, access=token), timeout=60)
    assert home.status_code == 200, (home.status_code, home.headers.get("Location"))
    assert 'href="/my/report"' in home.text


def test_a_session_about_to_run_out_is_refreshed_before_the_page(served) -> None:
    uow = GATEWAY.unit_of_work(served["sessions"])
    with uow:
        refresh = refresh_family.issue(uow, uuid.uuid4(), now(), timedelta(days=1),
                                       person_id=uuid.UUID(served["person"]), mobile="13812345678")
        uow.commit()
    # An access token past its life (and not one tickets could verify): only a refresh makes the page.
    home = httpx.get(f"{served['gateway']}/my/", cookies=_cookie(served, access="expired", refresh=refresh,
                                                                 until=int(time.time()) - 1), timeout=60)
    assert home.status_code == 200, (home.status_code, home.headers.get("Location"))
    kept = _kept(home)
    assert kept["access"] != "expired" and kept["refresh"] != refresh and kept["until"] > time.time()
    assert kept["estates"] == [served["estate"]] and kept["person"] == served["person"]
    # The old refresh token was used up: offered again, the session is signed out.
    again = httpx.get(f"{served['gateway']}/my/", cookies=_cookie(served, access="expired", refresh=refresh,
                                                                  until=int(time.time()) - 1), timeout=60)
    assert again.status_code == 302 and again.headers["Location"].endswith("/my/sign-in")
