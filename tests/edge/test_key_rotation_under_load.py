"""A key rotation while requests run through the front door (a real nginx in front of the real
gateway and owners, owners verifying from the gateway's JWKS): every request is answered 200, those
signed by the new key included (owners fetches the new key on its first kid, no restart), and a
token signed by the retired key is refused once it has expired. Bounded: a fixed number of requests
from a few threads, no timing asserted."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections import Counter
from pathlib import Path

import httpx
import jwt
import pytest
from sqlalchemy.orm import sessionmaker

from gateway.app import create_app as create_gateway_app
from gateway.edge import nginx
from gateway.keys.signing import Signer
from gateway.keys.use_cases import ensure_key, rotate
from gateway.service import SERVICE as GATEWAY
from owners.app import create_app as create_owners_app
from owners.service import SERVICE as OWNERS
from servicekit.auth import TokenVerifier
from servicekit.db import make_engine
from servicekit.keys import JwksKeys
from servicekit.migrate import upgrade
from servicekit.rows import now
from servicekit.testing import migrated_database, running_process, served_app, wait_for

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")
THREADS, REQUESTS = 4, 60  # per thread, before and after the rotation


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_request_is_refused_while_the_key_rotates(make_database, tmp_path_factory, tmp_path):
    gateway_url = make_database()
    upgrade(GATEWAY, gateway_url)
    settings = GATEWAY.settings(database_url=gateway_url, amqp_url="amqp://unused", port=0, log_level="WARNING",
                                max_body_bytes=64 * 1024, environment="development", key_publish_seconds=1.0)
    engine = make_engine(gateway_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    ensure_key(GATEWAY.unit_of_work(sessions), settings)
    signer = Signer(sessions, settings)
    owners_settings = OWNERS.settings(database_url=migrated_database(OWNERS, "sqlite", make_database,
                                                                     tmp_path_factory),
                                      amqp_url="amqp://unused", port=0, log_level="WARNING", max_body_bytes=65536)
    try:
        with served_app(create_gateway_app(settings)) as gateway:
            keys = JwksKeys.from_url(gateway + "/.well-known/jwks.json", max_age_seconds=300, min_refresh_seconds=0.5)
            verifier = TokenVerifier(keys, issuer=settings.issuer, audience=settings.audience, roles=OWNERS.roles)
            with served_app(create_owners_app(owners_settings, verifier)) as owners:
                port = _free_port()
                edge = nginx.Edge(port=port, rate="10000r/s", burst=10000, upstreams={
                    "gateway": gateway.removeprefix("http://"), "owners": owners.removeprefix("http://"),
                    "tickets": "127.0.0.1:9", "notify": "127.0.0.1:9"})
                folder = tmp_path / "edge"
                conf = nginx.write(edge, folder, as_root=os.geteuid() == 0)
                command = [NGINX, "-p", str(folder), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"]
                with running_process(command, env={}, what="nginx"):
                    wait_for(lambda: _answers(port), "nginx", timeout=30)
                    door = f"http://127.0.0.1:{port}/owners/api/v1/estates"
                    statuses: Counter[int] = Counter()
                    kids: Counter[str] = Counter()
                    rotated = threading.Event()

                    def load(n: int) -> None:
                        with httpx.Client(timeout=30) as http:
                            for i in range(2 * REQUESTS):
                                if i == REQUESTS and n == 0:
                                    rotate(GATEWAY.unit_of_work(sessions), settings)
                                    rotated.set()
                                token, _ = signer.sign(subject=f"load-{n}", role="operator_admin", estates=["*"])
                                kids[jwt.get_unverified_header(token)["kid"]] += 1
                                statuses[http.get(door, headers={"Authorization": f"Bearer {token}"}).status_code] += 1

                    threads = [threading.Thread(target=load, args=(n,)) for n in range(THREADS)]
                    for thread in threads:
                        thread.start()
                    for thread in threads:
                        thread.join()
                    assert rotated.is_set()
                    # Signing goes on with the old key until the new one's publish lead is over.
                    wait_for(lambda: signer.signing_key(now())[0] not in kids or len(kids) > 1,
                             "the new key to sign", timeout=30)
                    after, _ = signer.sign(subject="after", role="operator_admin", estates=["*"])
                    kids[jwt.get_unverified_header(after)["kid"]] += 1
                    statuses[httpx.get(door, headers={"Authorization": f"Bearer {after}"}).status_code] += 1
                    assert statuses == Counter({200: 2 * REQUESTS * THREADS + 1}), statuses
                    assert len(kids) == 2  # both keys signed some of them
                    # A token of the retired key, expired (past the verifier's leeway): refused.
                    retired = next(k for k in kids if k != signer.signing_key(now())[0])
                    old = _expired_token(signer, settings, retired)
                    assert httpx.get(door, headers={"Authorization": f"Bearer {old}"}).status_code == 401
    finally:
        engine.dispose()


def _expired_token(signer: Signer, settings, kid: str) -> str:
    from cryptography.hazmat.primitives import serialization
    from sqlalchemy import select

    from gateway.tables import signing_keys

    with signer._sessions() as session:  # noqa: SLF001  (the retired key's private part, for this test)
        pem = session.execute(select(signing_keys.c.private_pem).where(signing_keys.c.kid == kid)).scalar_one()
    key = serialization.load_pem_private_key(pem.encode(), password=settings.keys_passphrase.encode())
    t = int(now().timestamp())
    claims = {"iss": settings.issuer, "aud": settings.audience, "sub": "old", "iat": t - 3600, "exp": t - 120,
              "role": "operator_admin", "estates": ["*"]}
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})


def _answers(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0

