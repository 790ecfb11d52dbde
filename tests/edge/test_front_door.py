"""The front door (a real nginx, configured from the gateway's route table) in front of real
services: every service's API under one host, the caller's token passed on and verified by the
service itself from the gateway's JWKS, request ids kept or made, body limits, CORS for the
configured origins only, per-caller rate limits (429 with Retry-After), no /metrics, and a 503
problem (not an HTML page) for the paths of a stopped service while the others keep answering; a
service behind it reads each client's own address (surveys' per-address guessing limit)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import jwt
import pytest
from openapi_spec_validator import validate
from sqlalchemy.orm import sessionmaker

from gateway.app import create_app as create_gateway_app
from gateway.edge import nginx
from gateway.keys.signing import Signer
from gateway.keys.use_cases import ensure_key
from gateway.service import SERVICE as GATEWAY
from owners.app import create_app as create_owners_app
from owners.service import SERVICE as OWNERS
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.keys import JwksKeys
from servicekit.rows import now
from servicekit.testing import FORGERIES, forged_tokens, migrated_database, running_process, served_app, wait_for
from servicekit.webapp import create_service_app
from surveys.service import SERVICE as SURVEYS

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (make test installs it as root: "
                                                      "deploy/scripts/ensure-servers.sh nginx)")
ORIGIN = "https://console.example.com"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def front_door(tmp: Path, upstreams: dict[str, str], **edge) -> Iterator[str]:
    """A real nginx on a free port with the gateway's rendered configuration; its base URL."""
    port = _free_port()
    config = nginx.Edge(port=port, upstreams=upstreams, **edge)
    folder = tmp / f"edge-{port}"
    conf = nginx.write(config, folder, as_root=_root())
    checked = subprocess.run([NGINX, "-t", "-p", str(folder), "-c", str(conf), "-e", "stderr"],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    command = [NGINX, "-p", str(folder), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]
    with running_process(command, env={}, what="nginx"):
        wait_for(lambda: _answers(port), "nginx to listen", timeout=30)
        yield f"http://127.0.0.1:{port}"


def _root() -> bool:
    import os

    return os.geteuid() == 0


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture(scope="module")
def world(make_database, tmp_path_factory) -> Iterator[dict]:
    """The gateway and owners served on real ports (owners verifying from the gateway's JWKS);
    tickets and notify stopped (nothing answers at their addresses)."""
    gateway_url = make_database()
    from servicekit.migrate import upgrade

    upgrade(GATEWAY, gateway_url)
    owners_port, stopped = _free_port(), f"127.0.0.1:{_free_port()}"
    settings = GATEWAY.settings(database_url=gateway_url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                max_body_bytes=64 * 1024, environment="development",
                                edge_upstreams=f"owners=127.0.0.1:{owners_port},tickets={stopped},notify={stopped}")
    engine = make_engine(gateway_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ensure_key(GATEWAY.unit_of_work(sessions), settings)
    owners_db = migrated_database(OWNERS, "sqlite", make_database, tmp_path_factory)
    owners_settings = OWNERS.settings(database_url=owners_db, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                      max_body_bytes=64 * 1024)
    try:
        with served_app(create_gateway_app(settings)) as gateway:
            keys = JwksKeys.from_url(gateway + "/.well-known/jwks.json", min_refresh_seconds=0.0)
            verifier = TokenVerifier(keys, issuer=settings.issuer, audience=settings.audience, roles=OWNERS.roles)
            with served_app(create_owners_app(owners_settings, verifier), owners_port) as owners:
                yield {"gateway": gateway, "owners": owners, "signer": Signer(sessions, settings),
                       "settings": settings,
                       "upstreams": {"gateway": gateway.removeprefix("http://"), "owners": owners.removeprefix("http://"),
                                     "tickets": stopped, "notify": stopped}}
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def door(world, tmp_path_factory) -> Iterator[str]:
    with front_door(tmp_path_factory.mktemp("door"), world["upstreams"], cors_origins=(ORIGIN,)) as url:
        yield url


def _token(world, role: str = "operator_admin", subject: str = "admin-1") -> str:
    return world["signer"].sign(subject=subject, role=role, estates=["*"])[0]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_service_answers_under_its_prefix_with_the_callers_token(world, door):
    token = _token(world)
    estates = httpx.get(f"{door}/owners/api/v1/estates", headers=_bearer(token))
    assert estates.status_code == 200, estates.text
    assert httpx.get(f"{door}/owners/openapi.json").json()["info"]["title"]
    assert httpx.get(f"{door}/gateway/api/v1/keys", headers=_bearer(token)).status_code == 200
    assert httpx.get(f"{door}/.well-known/jwks.json").json()["keys"]
    assert httpx.get(f"{door}/owners/api/v1/estates").status_code == 401  # the service verifies, not the door


def test_a_stopped_service_answers_a_503_problem_and_the_others_keep_answering(world, door):
    token = _token(world)
    for path in ("/tickets/api/v1/tickets", "/notify/api/v1/notices"):
        down = httpx.get(door + path, headers={**_bearer(token), "Accept-Language": "zh-CN"})
        assert down.status_code == 503
        assert down.headers["Content-Type"] == "application/problem+json"
        assert down.headers["Retry-After"] and down.headers["Content-Language"] == "zh-CN"
        problem = down.json()
        assert problem["status"] == 503 and path.split("/")[1] in problem["detail"]
    assert httpx.get(f"{door}/owners/api/v1/estates", headers=_bearer(token)).status_code == 200


def test_a_request_id_is_kept_when_sane_made_otherwise_and_reaches_the_service_as_its_correlation_id(world, door):
    kept = httpx.get(f"{door}/owners/healthz", headers={"X-Request-ID": "desk-42.call:7"})
    assert kept.headers["X-Request-ID"] == "desk-42.call:7" == kept.headers["X-Correlation-ID"]
    made = httpx.get(f"{door}/owners/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert made.headers["X-Request-ID"] != "bad id <script>" and len(made.headers["X-Request-ID"]) == 32
    assert made.headers["X-Correlation-ID"] == made.headers["X-Request-ID"]


def test_a_body_over_the_routes_limit_is_a_413_problem_before_it_reaches_the_service(world, door):
    big = httpx.post(f"{door}/gateway/api/v1/sign-in", content=b"x" * (2 * 1024 * 1024),
                     headers={"Content-Type": "application/json"})
    assert big.status_code == 413 and big.headers["Content-Type"] == "application/problem+json"


def test_cors_answers_the_configured_origins_only(world, door):
    allowed = httpx.options(f"{door}/owners/api/v1/estates", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST"})
    assert allowed.status_code == 204 and allowed.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in allowed.headers["Access-Control-Allow-Methods"]
    assert "Authorization" in allowed.headers["Access-Control-Allow-Headers"]
    other = httpx.get(f"{door}/owners/healthz", headers={"Origin": "https://evil.example.com"})
    assert "Access-Control-Allow-Origin" not in other.headers
    simple = httpx.get(f"{door}/owners/healthz", headers={"Origin": ORIGIN})
    assert simple.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_metrics_are_not_served_at_the_front_door(world, door):
    for prefix in ("owners", "gateway", "tickets"):
        hidden = httpx.get(f"{door}/{prefix}/metrics")
        assert hidden.status_code == 404 and hidden.headers["Content-Type"] == "application/problem+json"
    assert httpx.get(f"{door}/").status_code == 404


def test_each_caller_has_a_rate_and_past_it_gets_a_429_with_retry_after(world, tmp_path):
    with front_door(tmp_path, world["upstreams"], rate="1r/m", burst=3) as slow:
        first = _bearer(_token(world, subject="busy"))
        answers = [httpx.get(f"{slow}/owners/api/v1/estates", headers=first) for _ in range(8)]
        assert [a.status_code for a in answers[:4]] == [200] * 4  # one, and a burst of three
        limited = answers[-1]
        # nginx counts alone here (no rate store): the next slot is one interval (a minute) away at most.
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
        assert limited.headers["Content-Type"] == "application/problem+json"
        # Another caller has a rate of their own.
        other = _bearer(_token(world, subject="calm"))
        assert httpx.get(f"{slow}/owners/api/v1/estates", headers=other).status_code == 200


def _signing_with(signer: Signer):
    def sign(**claims) -> str:
        kid, key = signer.signing_key(now())
        return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})

    return sign


@pytest.mark.parametrize("kind", FORGERIES)
def test_a_forged_or_stale_token_is_refused_by_each_service_through_the_door_and_directly(kind, world, door):
    settings = world["settings"]
    jwk = httpx.get(f"{door}/.well-known/jwks.json").json()["keys"][0]
    token = forged_tokens(_signing_with(world["signer"]), jwk, issuer=settings.issuer,
                          audience=settings.audience)[kind]
    for url in (f"{door}/owners/api/v1/estates", f"{world['owners']}/api/v1/estates",
                f"{door}/gateway/api/v1/keys", f"{world['gateway']}/api/v1/keys"):
        refused = httpx.get(url, headers=_bearer(token))
        assert refused.status_code == 401, (url, refused.text)
        assert refused.headers["Content-Type"].startswith("application/problem+json")


def test_a_request_id_the_door_makes_is_128_random_bits(world, door):
    assert uuid.UUID(httpx.get(f"{door}/owners/healthz").headers["X-Request-ID"])


def test_one_api_document_and_its_docs_page_for_the_whole_suite(world, door):
    document = httpx.get(f"{door}/openapi.json").json()
    validate(document)
    assert "/owners/api/v1/people" in document["paths"] and "/gateway/api/v1/sign-in" in document["paths"]
    assert any(name.startswith("Owners") for name in document["components"]["schemas"])
    assert "tickets" in document["info"]["description"]  # stopped: named, not silently left out
    page = httpx.get(f"{door}/docs")
    assert page.status_code == 200 and "/openapi.json" in page.text
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        assert httpx.get(f"{door}/gateway/docs/assets/{asset}").status_code == 200  # no CDN


@pytest.fixture(params=["tcp", "unix socket"])
def rate_store(request) -> Iterator[tuple[str, str]]:
    """A rate store and a key prefix of this test's own (the keys expire once their callers' turn
    has passed: a few minutes at the rates below): the test Redis over TCP, or a Redis of the test's
    own listening on a Unix socket only (``unix:///path?db=N``, a door beside its Redis)."""
    prefix = f"edge:test:{uuid.uuid4().hex}:"
    if request.param == "tcp":
        yield os.environ.get("TEST_REDIS_URL") or os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", prefix
        return
    server = shutil.which("redis-server") or "/usr/bin/redis-server"
    if not Path(server).exists():
        pytest.skip("redis-server is not installed (deploy/scripts/ensure-servers.sh redis installs it)")
    with tempfile.TemporaryDirectory(prefix="edge-redis") as folder:  # short: a socket's path has 107 bytes at most
        sock = Path(folder) / "redis.sock"
        command = [server, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700", "--save", "",
                   "--appendonly", "no", "--dir", folder]
        with running_process(command, env={}, what="redis-server"):
            wait_for(sock.exists, "redis-server to listen on its socket", timeout=30)
            yield f"unix://{sock}?db=1", prefix


def test_every_replica_of_the_door_counts_a_caller_in_one_shared_limit(world, tmp_path, rate_store):
    """Two front doors (two nginx, as two replicas) with one rate store: a caller going through both
    gets one limit (1 + burst), not one per replica; the next request is a 429 with Retry-After
    naming the wait, at either door. Another caller has their own limit."""
    url, prefix = rate_store
    shared = dict(rate="1r/m", burst=3, rate_store=url, rate_prefix=prefix)
    errors = tmp_path / "errors.log"
    with front_door(tmp_path / "a", world["upstreams"], error_log=str(errors), **shared) as one, \
            front_door(tmp_path / "b", world["upstreams"], **shared) as two:
        caller = _bearer(_token(world, subject="busy"))
        answers = [httpx.get(f"{door}/owners/healthz", headers=caller) for door in [one, two] * 4]
        assert [a.status_code for a in answers] == [200] * 4 + [429] * 4
        for limited in answers[4:]:
            assert limited.headers["Content-Type"] == "application/problem+json"
            assert 1 <= int(limited.headers["Retry-After"]) <= 60  # one request a minute: at most a minute
        assert limited.json()["status"] == 429
        other = _bearer(_token(world, subject="calm"))
        assert [httpx.get(f"{door}/owners/healthz", headers=other).status_code for door in (one, two)] == [200] * 2
    assert "[error]" not in errors.read_text()  # counted in Redis, every call to it answered


def test_a_busy_callers_slots_are_leased_in_batches_and_the_shared_limit_still_holds(world, tmp_path, rate_store):
    """Two replicas leasing a busy caller's slots from one rate store (a lease of 4 at most: a tenth
    of 1 + burst; the lease window long enough that any caller here is busy): every slot is counted in
    the store when leased, so the caller still gets 1 + burst in all, never more. What is given up:
    the second door refuses while the first still holds slots it leased (the caller is refused early
    there), which the first then hands out. Every refusal names the wait, the remembered ones too."""
    url, prefix = rate_store
    shared = dict(rate="1r/m", burst=39, rate_store=url, rate_prefix=prefix, rate_lease_seconds=60.0)
    errors = tmp_path / "errors.log"
    with front_door(tmp_path / "a", world["upstreams"], error_log=str(errors), **shared) as one, \
            front_door(tmp_path / "b", world["upstreams"], **shared) as two:
        caller = _bearer(_token(world, subject="busy-leased"))

        def statuses(door: str, n: int) -> list[httpx.Response]:
            return [httpx.get(f"{door}/owners/healthz", headers=caller) for _ in range(n)]

        # One: the first request asks for 1 slot; the second for 4 (the caller is busy), keeping 3.
        assert [a.status_code for a in statuses(one, 3)] == [200] * 3  # 5 slots counted, 2 still held by one
        at_two = statuses(two, 40)
        assert [a.status_code for a in at_two] == [200] * 35 + [429] * 5  # 40 - 5: two's share, to the slot
        for limited in at_two[35:]:  # the first asked the store, the others remembered its wait
            assert limited.headers["Content-Type"] == "application/problem+json"
            assert 1 <= int(limited.headers["Retry-After"]) <= 60 and limited.json()["status"] == 429
        assert [a.status_code for a in statuses(one, 3)] == [200, 200, 429]  # its 2 held slots, then none
        other = _bearer(_token(world, subject="calm-leased"))
        assert [httpx.get(f"{door}/owners/healthz", headers=other).status_code for door in (one, two)] == [200] * 2
    assert "[error]" not in errors.read_text()


def _at_once(door: str, headers: dict[str, str], n: int) -> list[int]:
    """n requests sent together on n open connections (nginx takes them in one turn of its loop, all
    before any answer from the rate store); their statuses."""
    port = int(door.rsplit(":", 1)[1])
    head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    request = f"GET /owners/healthz HTTP/1.1\r\nHost: door\r\n{head}Connection: close\r\n\r\n".encode()
    connections = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(n)]
    try:
        for connection in connections:
            connection.sendall(request)
        statuses = []
        for connection in connections:
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
            statuses.append(int(answer.split(b" ", 2)[1]))
        return statuses
    finally:
        for connection in connections:
            connection.close()


def test_a_busy_callers_requests_at_once_take_one_lease_so_a_door_holds_k_minus_1_slots_at_most(world, tmp_path,
                                                                                                   rate_store):
    """Many requests of a busy caller at once at one door: one of them leases (4 slots at most here),
    the others wait for it and take from it, or ask for their own slot only; so that door holds at
    most 3 slots the caller has not used, and the other door lets through all the rest of the
    caller's 1 + burst but those."""
    url, prefix = rate_store
    shared = dict(rate="1r/m", burst=39, rate_store=url, rate_prefix=prefix, rate_lease_seconds=60.0)
    with front_door(tmp_path / "a", world["upstreams"], **shared) as one, \
            front_door(tmp_path / "b", world["upstreams"], **shared) as two:
        caller = _bearer(_token(world, subject="busy-at-once"))

        def at(door: str) -> int:
            return httpx.get(f"{door}/owners/healthz", headers=caller, timeout=30).status_code

        assert at(one) == 200
        assert _at_once(one, caller, 16) == [200] * 16
        at_two = [at(two) for _ in range(40)]
        assert 40 - 17 - 3 <= at_two.count(200) <= 40 - 17 and at_two[at_two.count(200):] == [429] * (
            40 - at_two.count(200))


def _redis(url: str, *command: str) -> bytes:
    """One command to the rate store (the test's own Redis, by its URL), in Redis's protocol; its answer."""
    from gateway.edge.rate_limit import store_address

    host, port, database, _password = store_address(url)
    if port is None:
        connection = socket.socket(socket.AF_UNIX)
        connection.connect(host.removeprefix("unix:"))
    else:
        connection = socket.create_connection((host, port), timeout=10)
    with connection:
        for words in (("SELECT", str(database)), command):
            connection.sendall(f"*{len(words)}\r\n".encode() + b"".join(
                f"${len(w.encode())}\r\n{w}\r\n".encode() for w in words))
            answer = connection.recv(65536)
    return answer


def test_a_refusal_is_remembered_by_the_door_until_its_wait_has_passed(world, tmp_path, rate_store):
    """Once the store has refused a caller, their door refuses them again without asking it until the
    wait it named has passed (the wait can only grow), with the same Retry-After: with the caller's
    count emptied in the store, the door that refused still refuses, another door lets them through."""
    url, prefix = rate_store
    shared = dict(rate="1r/m", burst=1, rate_store=url, rate_prefix=prefix)
    with front_door(tmp_path / "a", world["upstreams"], **shared) as one, \
            front_door(tmp_path / "b", world["upstreams"], **shared) as two:
        token = _token(world, subject="refused-once")
        caller = _bearer(token)
        assert [httpx.get(f"{one}/owners/healthz", headers=caller).status_code for _ in range(3)] == [200, 200, 429]
        key = prefix + hashlib.md5(f"Bearer {token}".encode()).hexdigest()
        assert _redis(url, "DEL", key) == b":1\r\n"
        again = httpx.get(f"{one}/owners/healthz", headers=caller)
        assert again.status_code == 429 and 1 <= int(again.headers["Retry-After"]) <= 60
        assert httpx.get(f"{two}/owners/healthz", headers=caller).status_code == 200


def test_a_door_that_cannot_reach_the_rate_store_counts_alone_and_says_so(world, tmp_path):
    errors = tmp_path / "errors.log"
    unreachable = f"redis://127.0.0.1:{_free_port()}/0"
    with front_door(tmp_path, world["upstreams"], rate="1r/m", burst=1, rate_store=unreachable,
                    error_log=str(errors)) as door:
        caller = _bearer(_token(world, subject="alone"))
        assert [httpx.get(f"{door}/owners/healthz", headers=caller).status_code for _ in range(3)] == [200, 200, 429]
    assert "cannot be reached" in errors.read_text() and unreachable.removesuffix("/0") in errors.read_text()


def test_surveys_counts_each_client_behind_the_door_and_a_forged_address_changes_nothing(world, tmp_path,
                                                                                           make_database,
                                                                                           tmp_path_factory):
    """surveys behind the door believes its one proxy (SURVEYS_TRUSTED_PROXIES=1): a prober's guesses
    at survey links (from 127.0.0.2) hold back that prober only, whatever X-Forwarded-For it sends,
    never another visitor (from 127.0.0.3) reaching surveys through the same door."""
    settings = SURVEYS.settings(database_url=migrated_database(SURVEYS, "sqlite", make_database, tmp_path_factory),
                                amqp_url="amqp://unused", port=0, log_level="WARNING", max_body_bytes=64 * 1024,
                                trusted_proxies=1, token_guesses=3)
    verifier = TokenVerifier(JwksKeys.from_url(world["gateway"] + "/.well-known/jwks.json"),
                             issuer=world["settings"].issuer, audience=world["settings"].audience, roles=SURVEYS.roles)
    with served_app(create_service_app(SURVEYS, settings, verifier)) as surveys, \
            front_door(tmp_path, {**world["upstreams"], "surveys": surveys.removeprefix("http://")}) as door:
        def guesses(source: str, n: int, **headers: str) -> list[int]:
            with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=30) as http:
                return [http.get(f"{door}/surveys/api/v1/answers/guess{i:04d}", headers=headers).status_code
                        for i in range(n)]

        assert guesses("127.0.0.2", 4) == [404, 404, 404, 429]
        assert guesses("127.0.0.2", 2, **{"X-Forwarded-For": "203.0.113.9"}) == [429, 429]
        assert guesses("127.0.0.3", 1) == [404]
