"""The S3 adapter through the API, against a local S3 stand-in (moto's server on a loopback port)."""

from __future__ import annotations

import dataclasses
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer
from sqlalchemy import insert
from tenancy.roles import ROLES

from servicekit.auth import TokenVerifier
from servicekit.testing import TEST_AUDIENCE, TEST_ISSUER
from tickets.app import create_app
from tickets.tables import attachments, ticket_steps

from .test_attachments_api import JPEG, PDF, count, upload

BUCKET = "estatedesk-tickets-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    with pytest.MonkeyPatch.context() as env:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_SESSION_TOKEN": "testing"}.items():
            env.setenv(name, value)
        env.delenv("AWS_PROFILE", raising=False)
        endpoint = f"http://127.0.0.1:{port}"
        boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=BUCKET)
        yield endpoint
    server.stop()


@pytest.fixture
def s3_app(settings, keys, s3_endpoint: str) -> Flask:  # noqa: ANN001
    settings = dataclasses.replace(settings, storage="s3", s3_endpoint_url=s3_endpoint, s3_bucket=BUCKET,
                                   s3_region="us-east-1", max_attachment_bytes=64 * 1024)
    return create_app(settings, TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=ROLES))


def bucket_keys(endpoint: str) -> list[str]:
    listed = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").list_objects_v2(Bucket=BUCKET)
    return sorted(o["Key"] for o in listed.get("Contents", []))


@pytest.mark.postgres_only  # the adapter is what is tested; one database is enough
def test_attachments_kept_in_s3(s3_app: Flask, s3_endpoint: str, db, auth, make_estate, make_ticket) -> None:
    client = s3_app.test_client()
    estate = make_estate()
    ticket = make_ticket(estate)
    desk = auth("service_desk_agent", [estate])
    photo = upload(client, ticket, desk, JPEG, "../../etc/photo.jpg")
    assert photo.status_code == 201, photo.json
    assert photo.json["filename"] == "photo.jpg"
    key = f"{estate}/{ticket}/{photo.json['id']}"
    assert key in bucket_keys(s3_endpoint)

    got = client.get(f"/api/v1/tickets/{ticket}/attachments/{photo.json['id']}", headers=desk)
    assert (got.status_code, got.data, got.mimetype) == (200, JPEG, "image/jpeg")
    obj = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").get_object(Bucket=BUCKET, Key=key)
    assert obj["ContentType"] == "image/jpeg"

    assert upload(client, ticket, desk, b"GIF89a" + b"\0" * 50, "x.gif", "image/gif").status_code == 415
    too_big = upload(client, ticket, desk, PDF + b"0" * (s3_app.extensions["servicekit.settings"]
                                                          .max_attachment_bytes))
    assert too_big.status_code == 413
    assert [k for k in bucket_keys(s3_endpoint) if k.startswith(f"{estate}/")] == [key]

    assert client.delete(f"/api/v1/tickets/{ticket}/attachments/{photo.json['id']}", headers=desk).status_code == 204
    assert key not in bucket_keys(s3_endpoint)


@pytest.fixture
def unreachable_app(settings, keys, monkeypatch: pytest.MonkeyPatch) -> Flask:  # noqa: ANN001
    """The app with its attachments in an S3 store at a loopback port nothing listens on."""
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    settings = dataclasses.replace(settings, storage="s3", s3_endpoint_url=f"http://127.0.0.1:{_free_port()}",
                                   s3_bucket=BUCKET, s3_region="us-east-1", max_attachment_bytes=64 * 1024)
    return create_app(settings, TokenVerifier(keys[1], issuer=TEST_ISSUER, audience=TEST_AUDIENCE, roles=ROLES))


@pytest.mark.postgres_only  # the adapter is what is tested; one database is enough
def test_an_unreachable_store_is_a_503_and_keeps_nothing(unreachable_app: Flask, db, auth, make_estate,
                                                         make_ticket) -> None:
    client = unreachable_app.test_client()
    estate = make_estate()
    ticket = make_ticket(estate)
    desk = auth("service_desk_agent", [estate])
    refused = upload(client, ticket, desk, JPEG)
    assert refused.status_code == 503, refused.json
    assert refused.mimetype == "application/problem+json"
    assert "try again later" in refused.json["detail"]
    assert count(db, attachments) == 0 and count(db, ticket_steps) == 0

    kept = {"id": uuid.uuid4(), "ticket_id": ticket, "estate_id": estate, "filename": "photo.jpg",
            "content_type": "image/jpeg", "size": len(JPEG), "sha256": "0" * 64, "uploaded_by": "test",
            "uploaded_at": datetime.now(UTC)}
    kept["storage_key"] = f"{estate}/{ticket}/{kept['id']}"
    with db.begin() as conn:
        conn.execute(insert(attachments).values(kept))
    in_chinese = {**desk, "Accept-Language": "zh-CN"}
    got = client.get(f"/api/v1/tickets/{ticket}/attachments/{kept['id']}", headers=in_chinese)
    assert got.status_code == 503, got.json
    assert got.json["detail"] == "附件存储暂时无法访问，请稍后再试"
