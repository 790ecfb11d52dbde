"""Test isolation: every test run gets its own PostgreSQL database and its own RabbitMQ vhost,
so it never disturbs a running ``make run`` or another test run.

Where ``DATABASE_URL``/``AMQP_URL`` are set (CI, this machine) they name the servers to use; where
they are not and a Docker engine answers, testcontainers starts the servers instead.

Use as a pytest plugin (``pytest_plugins = ["servicekit.testing"]``) for the fixtures
``postgres_server_url``, ``make_database`` and ``amqp_vhost_url``.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
from sqlalchemy import Engine, Table, create_engine, delete, func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _docker_available() -> bool:
    if not shutil.which("docker"):
        return False
    return subprocess.run(["docker", "info"], capture_output=True).returncode == 0


def create_database(server_url: str, prefix: str = "edtest") -> str:
    """Create an empty database on the server of ``server_url``; returns its URL."""
    url = make_url(server_url)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def drop_database(database_url: str) -> None:
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def database_down(database_url: str) -> Iterator[None]:
    """Make the PostgreSQL database of ``database_url`` unreachable until the block ends, the way a
    restart looks to its clients, without touching the shared server: new connections are refused
    and every open one is cut, mid-transaction or not."""
    url = make_url(database_url)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as db:
            db.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS false'))
            db.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                       {"name": url.database})
        yield
    finally:
        with admin.connect() as db:
            db.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true'))
        admin.dispose()


def rabbitmqctl(*args: str) -> str:
    """Run ``rabbitmqctl`` on this machine's broker (tests run where the broker runs)."""
    done = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {done.stderr.strip() or done.stdout.strip()}")
    return done.stdout


# A test run's vhost is named after the time it was made, so that one a killed run left behind
# can be told from one a run beside it still uses: a broker holding many vhosts' quorum queues
# stops taking connections, so leftovers must not pile up across runs.
STALE_VHOST_SECONDS = 3 * 3600


def create_vhost(amqp_url: str, prefix: str = "edtest") -> str:
    """Create a fresh vhost on the broker of ``amqp_url``; returns the URL that points into it."""
    parts = urlsplit(amqp_url)
    user = parts.username or "guest"
    vhost = f"{prefix}-{int(time.time()):x}-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, user, ".*", ".*", ".*")
    return urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), parts.query, ""))


def stale_vhosts(names: list[str], now: float, prefix: str = "edtest") -> list[str]:
    """Of the broker's vhost ``names``, those a test run made more than STALE_VHOST_SECONDS ago
    (no run lasts that long, so nobody uses them any more)."""
    stale = []
    for name in names:
        made = name.removeprefix(f"{prefix}-").split("-")[0] if name.startswith(f"{prefix}-") else ""
        try:
            if now - int(made, 16) > STALE_VHOST_SECONDS:
                stale.append(name)
        except ValueError:
            continue  # not one of ours, or of an older naming: left alone
    return stale


def delete_stale_vhosts(prefix: str = "edtest") -> list[str]:
    """Delete the vhosts killed test runs left on this machine's broker; returns their names."""
    names = rabbitmqctl("-q", "list_vhosts", "name").split()
    stale = stale_vhosts(names, time.time(), prefix)
    for name in stale:
        rabbitmqctl("delete_vhost", name)
    return stale


def delete_vhost(vhost_url: str) -> None:
    from urllib.parse import unquote

    rabbitmqctl("delete_vhost", unquote(urlsplit(vhost_url).path.lstrip("/")))


@dataclass(frozen=True)
class PrivateBroker:
    """A RabbitMQ node of one test's own: stopping or restarting it disturbs nobody else."""

    node: str
    url: str

    def ctl(self, *args: str) -> str:
        """``rabbitmqctl`` on this node only (``stop_app``, ``start_app``, ...)."""
        return rabbitmqctl("-n", self.node, *args)

    def restart(self) -> None:
        self.ctl("start_app")
        self.ctl("await_startup")


# Ports a test listens on are drawn below Linux's ephemeral range (32768-60999), where the kernel
# picks the local port of every outgoing connection: a port bind(0) offers is free only until some
# client's connect() takes it as its own end, and a suite opens hundreds of connections between
# choosing its ports and its servers binding them (a web server then exits "Connection in use").
_TEST_PORTS = range(20_000, 32_768)
_handed_out: set[int] = set()


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on just now (for a stand-in or a server a test
    starts), outside the ephemeral range and never the same twice in this process."""
    rng = random.SystemRandom()
    for _ in range(200):
        port = rng.choice(_TEST_PORTS)
        if port in _handed_out:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise RuntimeError("no free port between 20000 and 32767 on 127.0.0.1")


_free_port = free_port


@contextmanager
def private_broker(startup_seconds: float = 90) -> Iterator[PrivateBroker]:
    """Start a RabbitMQ node of this machine's installation on free ports, with its files in a
    temporary folder; stop it and remove them at the end.

    A test that stops the broker (a broker restart) uses this, so that a running ``make run`` and
    other test runs on the shared broker never notice. Needs the ``rabbitmq-server`` this machine's
    tests use anyway, run as root (the Debian wrapper switches to the ``rabbitmq`` user, which must
    own the node's folder).
    """
    node = f"edtest-{uuid.uuid4().hex[:8]}@localhost"
    folder = Path(tempfile.mkdtemp(prefix="edtest-rabbit-"))
    port, dist_port = _free_port(), _free_port()
    (folder / "node.conf").write_text(f"listeners.tcp.1 = 127.0.0.1:{port}\n", encoding="utf-8")
    (folder / "enabled_plugins").write_text("[].\n", encoding="utf-8")
    shutil.chown(folder, "rabbitmq", "rabbitmq")
    for child in folder.iterdir():
        shutil.chown(child, "rabbitmq", "rabbitmq")
    env = {**os.environ, "RABBITMQ_NODENAME": node, "RABBITMQ_CONFIG_FILE": str(folder / "node.conf"),
           "RABBITMQ_DIST_PORT": str(dist_port), "RABBITMQ_MNESIA_BASE": str(folder / "mnesia"),
           "RABBITMQ_LOG_BASE": str(folder / "log"), "RABBITMQ_PID_FILE": str(folder / "pid"),
           "RABBITMQ_ENABLED_PLUGINS_FILE": str(folder / "enabled_plugins")}
    with open(folder / "server.out", "wb") as out:
        server = subprocess.Popen(["rabbitmq-server"], env=env, stdout=out, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    broker = PrivateBroker(node, f"amqp://guest:guest@127.0.0.1:{port}/%2F")
    try:
        deadline = time.monotonic() + startup_seconds
        while True:  # await_startup answers only once the node is registered: poll until then
            try:
                broker.ctl("await_startup", "--timeout", "10")
                break
            except RuntimeError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"private RabbitMQ node did not start: see {folder / 'server.out'}") from None
                time.sleep(0.5)
        yield broker
    finally:
        try:
            broker.ctl("stop")
        except RuntimeError:
            server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(folder, ignore_errors=True)


def configured_postgres() -> str:
    """The PostgreSQL server that tests and benchmarks use: ``TEST_DATABASE_URL``, else
    ``DATABASE_URL`` when it names PostgreSQL, else the one on 127.0.0.1."""
    for name in ("TEST_DATABASE_URL", "DATABASE_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgresql"):
            return url
    return DEFAULT_POSTGRES


def configured_broker() -> str:
    """The RabbitMQ broker that tests and benchmarks use: ``TEST_AMQP_URL``, ``AMQP_URL`` or 127.0.0.1."""
    return os.environ.get("TEST_AMQP_URL") or os.environ.get("AMQP_URL") or DEFAULT_AMQP


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The PostgreSQL server tests create their databases on."""
    named = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if not named and _docker_available():
        from testcontainers.postgres import PostgresContainer  # type: ignore[import-not-found]

        with PostgresContainer("postgres:16", driver="psycopg") as container:
            yield container.get_connection_url()
        return
    yield configured_postgres()


@pytest.fixture(scope="session")
def make_database(postgres_server_url: str) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty databases; all of them are dropped when the run ends."""
    created: list[str] = []

    def factory() -> str:
        created.append(create_database(postgres_server_url))
        return created[-1]

    yield factory
    for url in created:
        drop_database(url)


@pytest.fixture(scope="session")
def amqp_vhost_url() -> Iterator[str]:
    """A vhost of this test run's own on the broker of ``AMQP_URL``; deleted at the end (and what
    killed runs left behind is deleted first)."""
    delete_stale_vhosts()
    url = create_vhost(configured_broker())
    yield url
    delete_vhost(url)


def empty_tables(engine, metadata) -> None:  # noqa: ANN001  (an Engine and a MetaData)
    """Empty every table of a service's database (between tests that commit for real)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            names = ", ".join(t.name for t in metadata.sorted_tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # TRUNCATE fires no row trigger, SQLite's DELETE does: an append-only table's triggers
            # (servicekit.audit) are set aside while emptying, and put back as they were.
            triggers = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
            for name, _ in triggers:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
            for _, sql in triggers:
                conn.execute(text(sql))


TEST_ISSUER, TEST_AUDIENCE = "test-issuer", "estatedesk"


def token_headers(private_key: str) -> Callable[..., dict[str, str]]:
    """``headers(role, estates, perms)``: an ``Authorization`` header with a test token
    (``headers()`` is an operator admin of every estate)."""
    from servicekit.auth import issue_token

    def headers(role: str = "operator_admin", estates: list[object] | None = None,
                perms: list[str] | None = None, subject: str | None = None) -> dict[str, str]:
        token = issue_token(private_key, subject=subject or f"test-{role}", role=role,
                            estates=[str(e) for e in (estates or ["*"])], issuer=TEST_ISSUER,
                            audience=TEST_AUDIENCE, permissions=perms or [])
        return {"Authorization": f"Bearer {token}"}

    return headers


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 180.0, interval: float = 0.1) -> None:
    """Wait until ``condition()`` is true; fail the test, naming ``what``, after ``timeout`` seconds.

    For a test that waits on other processes (a relay, a consumer): the deadline only bounds a hang,
    it asserts nothing about speed.
    """
    stop = threading.Event()
    deadline = threading.Timer(timeout, stop.set)
    deadline.start()
    try:
        while not condition():
            if stop.wait(interval):
                pytest.fail(f"timed out after {timeout:.0f}s waiting for {what}")
    finally:
        deadline.cancel()


def call_json(method: str, url: str, token: str | None = None, body: Any = None,
              timeout: float = 30.0) -> tuple[int, Any]:
    """A JSON request from outside, as another system makes it: the status and the JSON answer (0 and
    None when nothing answers)."""
    import json
    import urllib.error
    import urllib.request

    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None
    except OSError:
        return 0, None


def expect_ok(answer: tuple[int, Any], *statuses: int) -> Any:
    """The body of a :func:`call_json` answer whose status is one of ``statuses`` (200 or 201)."""
    status, body = answer
    assert status in (statuses or (200, 201)), (status, body)
    return body


# --- forged and stale tokens: what every service must refuse (401) ---------------------------------

FORGERIES = ("alg none", "HS256 signed with the public key", "another key under the real kid", "an unknown kid",
             "no kid", "wrong aud", "wrong iss", "expired", "nbf in the future", "tampered payload", "unknown role")


def forged_tokens(sign: Callable[..., str], public_jwk: Mapping[str, Any], *, issuer: str,
                  audience: str) -> dict[str, str]:
    """One token of each kind in :data:`FORGERIES`. ``sign(**claims)`` signs a token with the real
    key (its ``kid`` in the header) from the claims given (iss, aud, sub, iat, exp, role, estates and
    any others); ``public_jwk`` is that key as its JWKS publishes it."""
    import base64
    import hashlib
    import hmac
    import json

    from servicekit.auth import issue_token
    from servicekit.tokens import generate_keypair

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    def by_hand(claims: dict[str, Any], header: dict[str, Any], secret: bytes | None) -> str:
        signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
        signature = b"" if secret is None else hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64(signature)}"

    t = int(time.time())

    def claims(**changes: Any) -> dict[str, Any]:
        return {"iss": issuer, "aud": audience, "sub": "forger", "iat": t, "exp": t + 300,
                "role": "operator_admin", "estates": ["*"], "perms": [], "jti": uuid.uuid4().hex, **changes}

    kid = str(public_jwk["kid"])
    other, _ = generate_keypair()
    valid = sign(**claims())
    header, payload, signature = valid.split(".")
    tampered = json.loads(base64.urlsafe_b64decode(payload + "=="))
    tampered["sub"] = "someone-else"

    def other_key(key_id: str | None) -> str:
        return issue_token(other, subject="forger", role="operator_admin", estates=["*"], issuer=issuer,
                           audience=audience, key_id=key_id)

    return {
        "alg none": by_hand(claims(), {"alg": "none", "kid": kid, "typ": "JWT"}, None),
        "HS256 signed with the public key": by_hand(claims(), {"alg": "HS256", "kid": kid, "typ": "JWT"},
                                                    json.dumps(dict(public_jwk)).encode()),
        "another key under the real kid": other_key(kid),
        "an unknown kid": other_key("not-a-published-key"),
        "no kid": other_key(None),
        "wrong aud": sign(**claims(aud="another-suite")),
        "wrong iss": sign(**claims(iss="someone-else")),
        "expired": sign(**claims(iat=t - 3600, exp=t - 600)),
        "nbf in the future": sign(**claims(nbf=t + 600)),
        "tampered payload": f"{header}.{b64(json.dumps(tampered).encode())}.{signature}",
        "unknown role": sign(**claims(role="superuser")),
    }


@contextmanager
def served_app(app: Any, port: int = 0) -> Iterator[str]:
    """Serve a WSGI ``app`` over real HTTP on 127.0.0.1 (threads; a free port unless ``port``) for the
    ``with`` block; yields its base URL. For a test whose client is another process or a real HTTP
    client (a verifier fetching a JWKS, a proxy in front, a service calling another)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@contextmanager
def service_process(package: str, *args: str, env: Mapping[str, str]) -> Iterator[subprocess.Popen[str]]:
    """Run ``<package> <args>`` (say ``tickets consume``) as the deployment does, in a process of its
    own with ``env`` added to this one's (see :func:`running_process`)."""
    with running_process([sys.executable, "-m", f"{package}.cli", *args], env=env,
                         what=f"{package} {' '.join(args)}") as process:
        yield process


@contextmanager
def running_process(command: list[str], *, env: Mapping[str, str], what: str,
                    new_session: bool = False) -> Iterator[subprocess.Popen[str]]:
    """Run ``command`` with ``env`` added to this process's; SIGTERM it at the end (its graceful
    stop), SIGKILL after 60 s. Its stderr goes to a temporary file, shown when the process failed."""
    log = tempfile.TemporaryFile("w+", encoding="utf-8")
    process = subprocess.Popen(command, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=log, text=True,
                               start_new_session=new_session)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.seek(0)
        output = log.read()
        log.close()
        if process.returncode not in (0, -signal.SIGTERM):
            print(f"{what} exited {process.returncode}:\n{output[-4000:]}", file=sys.stderr)


def copy_by_replay(source: Any, state_events: Callable[[Any], Iterable[Any]], service: Any, target: Any, *,
                   batch: int = 500) -> None:
    """Build ``service``'s copy in ``target`` (an Engine) from a producer's current state: its
    ``state_events(connection)`` on ``source`` (an Engine), as ``replay --state`` sends them, applied
    through the service's own handlers, ``batch`` to a transaction. For tests that need a consumer's
    copy (owners' demo estate in tickets', say) and not the broker between them."""
    from sqlalchemy.orm import Session

    handlers = service.event_handlers()
    with source.connect() as snapshot, Session(target) as session:
        for count, event in enumerate(state_events(snapshot), 1):
            if event.type in handlers:
                handlers[event.type](session, event)
            if count % batch == 0:
                session.commit()
        session.commit()


@contextmanager
def processes_suite(make_database: Callable[[], str], amqp_url: str, services: Iterable[Any],
                    **env: str) -> Iterator[dict[str, Any]]:
    """A fresh database for each of ``services``, migrated, with an engine each, and the environment
    their processes (:func:`service_process`) run with: the broker's ``amqp_url``, each database as
    ``<SERVICE>_DATABASE_URL``, quiet logs, notify's development mode, and ``env`` on top. Yields
    ``{"urls", "engines", "env"}`` keyed by service name; the engines are disposed after."""
    from servicekit.db import make_engine
    from servicekit.migrate import upgrade

    services = list(services)
    urls = {service.name: make_database() for service in services}
    for service in services:
        upgrade(service, urls[service.name])
    engines = {name: make_engine(url) for name, url in urls.items()}
    environment = {"AMQP_URL": amqp_url, "LOG_LEVEL": "WARNING", "NOTIFY_ENVIRONMENT": "development",
                   **{f"{name.upper()}_DATABASE_URL": url for name, url in urls.items()}, **env}
    try:
        yield {"urls": urls, "engines": engines, "env": environment}
    finally:
        for engine in engines.values():
            engine.dispose()


def deliver_outbox(source: Any, producer: Any, consumers: Iterable[tuple[Any, Any]]) -> None:
    """Apply every event in ``producer``'s outbox on ``source`` (an Engine), in order, through each
    consumer's own handlers, as its consumer would, without the broker: ``consumers`` are
    ``(engine, service)`` pairs, one transaction each. For tests that build several services' worlds
    through their APIs and need each one's copies of the others."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from servicekit.envelope import parse

    table = producer.outbox.table
    with source.connect() as conn:
        events = [parse(row.body) for row in conn.execute(select(table).order_by(table.c.seq))]
    for engine, service in consumers:
        handlers = service.event_handlers()
        with Session(engine) as session, session.begin():
            for event in events:
                if event.type in handlers:
                    handlers[event.type](session, event)


def app_settings(service: Any, database_url: str, **extra: Any) -> Any:
    """``service``'s settings for an app a test drives in-process: its database, no broker, a free
    port, quiet logs, a 64 KiB body limit; ``extra`` overrides or adds fields."""
    return service.settings(**{"database_url": database_url, "amqp_url": "amqp://unused", "port": 0,
                               "log_level": "WARNING", "max_body_bytes": 64 * 1024, **extra})


@contextmanager
def replayed_copy(make_database: Callable[[], str], producer: Any, load: Callable[[Any], Any],
                  state_events: Callable[[Any], Iterable[Any]], consumer: Any) -> Iterator[tuple[str, Any]]:
    """Two fresh PostgreSQL databases, migrated: the ``producer``'s, where ``load(unit_of_work)``
    puts its data (a demo), and the ``consumer``'s, whose copy is built from it by
    :func:`copy_by_replay`. Yields the consumer's URL and engine; both engines are disposed after."""
    from sqlalchemy.orm import sessionmaker

    from servicekit.db import make_engine
    from servicekit.migrate import upgrade

    producer_url, consumer_url = make_database(), make_database()
    upgrade(producer, producer_url)
    upgrade(consumer, consumer_url)
    source, target = make_engine(producer_url), make_engine(consumer_url)
    try:
        load(producer.unit_of_work(sessionmaker(source, expire_on_commit=False)))
        copy_by_replay(source, state_events, consumer, target)
        yield consumer_url, target
    finally:
        source.dispose()
        target.dispose()


def migrated_database(service, kind: str, make_database: Callable[[], str],  # noqa: ANN001  (a Service)
                      tmp_path_factory: pytest.TempPathFactory) -> str:
    """A database of this run's own for ``service``, migrated to head: ``kind`` "postgresql" (from
    ``make_database``) or "sqlite" (a file, as ``make run`` without ``DATABASE_URL`` uses)."""
    from servicekit.migrate import upgrade

    if kind == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(f'{service.name}-sqlite') / f'{service.name}.sqlite3'}"
    else:
        url = make_database()
    upgrade(service, url)
    return url



# --- a service's own tests: the fixtures every service's tests/conftest.py would otherwise repeat --


def service_fixtures(service, **settings_overrides: object) -> dict[str, object]:  # noqa: ANN001  (a Service)
    """The fixtures of a service's own tests, for its ``tests/conftest.py``::

        globals().update(service_fixtures(SERVICE))

    ``database_url``: a migrated database of this run's own, on PostgreSQL and on SQLite (a test
    that uses it runs twice); ``engine``, ``settings`` (``settings_overrides`` added), ``app``,
    ``db`` (the database, every table emptied after the test: tests commit for real, since the
    outbox must see real commits), ``client``, ``keys`` and ``auth`` (token headers:
    ``auth("service_desk_agent", [estate_id])``; ``auth()`` is an operator admin).
    ``@pytest.mark.postgres_only`` keeps a test to PostgreSQL where it tests PostgreSQL itself.
    Each conftest gets fixtures of its own, so two services' databases never mix in one run.
    """
    from servicekit.auth import TokenVerifier
    from servicekit.db import make_engine
    from servicekit.tokens import generate_keypair
    from servicekit.webapp import create_service_app

    @pytest.fixture(scope="session")
    def keys() -> tuple[str, str]:
        return generate_keypair()

    @pytest.fixture(scope="session", params=["postgresql", "sqlite"])
    def database_url(request: pytest.FixtureRequest, make_database: Callable[[], str],
                     tmp_path_factory: pytest.TempPathFactory) -> str:
        return migrated_database(service, request.param, make_database, tmp_path_factory)

    @pytest.fixture(scope="session")
    def engine(database_url: str) -> Iterator[object]:
        engine = make_engine(database_url)
        yield engine
        engine.dispose()

    @pytest.fixture(scope="session")
    def settings(database_url: str):  # noqa: ANN202  (the service's settings class)
        values = {"amqp_url": "amqp://unused", "port": 0, "log_level": "WARNING", "max_body_bytes": 64 * 1024,
                  **settings_overrides}
        return service.settings(database_url=database_url, **values)

    @pytest.fixture(scope="session")
    def app(settings, keys: tuple[str, str]):  # noqa: ANN001, ANN202  (the settings; a Flask app)
        verifier = TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=service.roles)
        return create_service_app(service, settings, verifier)

    @pytest.fixture
    def db(engine, request: pytest.FixtureRequest) -> Iterator[object]:  # noqa: ANN001
        if request.node.get_closest_marker("postgres_only") and engine.dialect.name != "postgresql":
            pytest.skip("tests PostgreSQL itself")
        yield engine
        empty_tables(engine, service.metadata)

    @pytest.fixture
    def client(app, db):  # noqa: ANN001, ANN202  (the app, the emptied database; a test client)
        return app.test_client()

    @pytest.fixture
    def auth(keys: tuple[str, str]) -> Callable[..., dict[str, str]]:
        return token_headers(keys[0])

    return {"keys": keys, "database_url": database_url, "engine": engine, "settings": settings, "app": app,
            "db": db, "client": client, "auth": auth}


# --- rules servicekit enforces for every service, checked in each service that adopts them ------
# (an operator-wide row needs an every-estate token; an audit table is append-only)

def count_rows(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def check_operator_wide_needs_every_estate(client: Any, auth: Callable[..., dict[str, str]], engine: Engine,
                                           url: str, body: Mapping[str, Any], table: Table, role: str) -> None:
    """A caller of ``role`` scoped to one estate posting ``body`` (no estate: for every estate) to
    ``url`` gets servicekit.access's 422 whether the estate is left out or null, and nothing is
    written; an operator admin of every estate makes the row (201)."""
    scoped = auth(role, [str(uuid.uuid4())])
    for sent in (dict(body), {**body, "estate_id": None}):
        answer = client.post(url, json=sent, headers=scoped)
        assert answer.status_code == 422, answer.json
        assert answer.json["errors"] == {"json": {"estate_id": ["is required"]}}
        assert "every estate" in answer.json["detail"]
    assert count_rows(engine, table) == 0
    made = client.post(url, json=dict(body), headers=auth())
    assert made.status_code == 201, made.json
    assert made.json["estate_id"] is None


def check_one_refusal_everywhere(client: Any, auth: Callable[..., dict[str, str]],
                                 routes: Iterable[tuple[str, Mapping[str, Any]]]) -> None:
    """The operator-wide refusal is the same answer, in English and in Chinese, on every route."""
    scoped = auth("operator_admin", [str(uuid.uuid4())])
    answers = [client.post(url, json=dict(body), headers=scoped).json for url, body in routes]
    assert len({(a["detail"], str(a["errors"])) for a in answers}) == 1
    chinese = {client.post(url, json=dict(body), headers={**scoped, "Accept-Language": "zh-CN"}).json["detail"]
               for url, body in routes}
    assert len(chinese) == 1 and "所有小区" in chinese.pop()


def check_append_only(engine: Engine, table: Table, row: Mapping[str, Any], column: str) -> None:
    """``row`` written to ``table`` can be neither changed (``column``) nor deleted: the database refuses."""
    with engine.begin() as conn:
        conn.execute(table.insert().values(dict(row)))
    for statement in (update(table).values({column: "changed"}), delete(table)):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(statement)
    with engine.connect() as conn:
        assert [r[column] for r in conn.execute(select(table)).mappings()] == [row[column]]
