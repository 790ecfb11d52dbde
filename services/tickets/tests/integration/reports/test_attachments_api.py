"""Attachments through the API on the local filesystem adapter, on both databases."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tickets.tables import attachments, people, ticket_steps

from .conftest import MAX_ATTACHMENT_BYTES

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x11" * 2000
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x22" * 500
PDF = b"%PDF-1.7\n" + b"0" * 300


def upload(client, ticket_id, headers, data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return client.post(f"/api/v1/tickets/{ticket_id}/attachments", headers=headers,
                       data={"file": (io.BytesIO(data), name, content_type)}, content_type="multipart/form-data")


def stored_files(app) -> list[Path]:
    root = Path(app.extensions["servicekit.settings"].attachments_dir)
    return [p for p in root.rglob("*") if p.is_file()]


def count(db, table) -> int:
    with db.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_a_photo_is_uploaded_listed_and_downloaded(app, client, db, auth, make_estate, make_ticket) -> None:
    estate = make_estate()
    handler = uuid.uuid4()  # a technician reads the attachments of the tickets assigned to them
    ticket = make_ticket(estate, assignee_id=handler)
    desk = auth("service_desk_agent", [estate])
    created = upload(client, ticket, desk, JPEG, "现场照片.JPG")
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["filename"], body["content_type"], body["size"]) == ("现场照片.jpg", "image/jpeg", len(JPEG))
    assert "storage_key" not in body

    listed = client.get(f"/api/v1/tickets/{ticket}/attachments", headers=auth("technician", [estate],
                                                                              subject=str(handler)))
    assert [a["id"] for a in listed.json] == [body["id"]]

    got = client.get(f"/api/v1/tickets/{ticket}/attachments/{body['id']}", headers=desk)
    assert got.status_code == 200 and got.data == JPEG
    assert got.mimetype == "image/jpeg"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87.jpg" in got.headers["Content-Disposition"]
    # stored under the attachment's id in the estate's and ticket's folders, whatever the client's name
    root = Path(app.extensions["servicekit.settings"].attachments_dir)
    assert (root / str(estate) / str(ticket) / body["id"]).read_bytes() == JPEG
    with db.connect() as conn:
        steps = conn.execute(select(ticket_steps.c.action, ticket_steps.c.actor)).all()
    assert [tuple(s) for s in steps] == [("attachment_added", "test-service_desk_agent")]


def test_the_type_comes_from_the_content_not_the_client(app, client, db, auth, make_estate, make_ticket) -> None:
    estate = make_estate()
    ticket = make_ticket(estate)
    desk = auth("service_desk_agent", [estate])
    png = upload(client, ticket, desk, PNG, "scan", "application/octet-stream")
    assert (png.status_code, png.json["content_type"], png.json["filename"]) == (201, "image/png", "scan.png")

    before = stored_files(app)
    lied = upload(client, ticket, desk, b"<html><script>alert(1)</script></html>", "photo.jpg", "image/jpeg")
    assert lied.status_code == 415
    assert lied.mimetype == "application/problem+json"
    assert count(db, attachments) == 1 and stored_files(app) == before


def test_a_file_too_big_is_413_and_stores_nothing(app, client, db, auth, make_estate, make_ticket) -> None:
    estate = make_estate()
    ticket = make_ticket(estate)
    desk = auth("service_desk_agent", [estate])
    # larger than the app-wide body limit (64 KiB in the tests), within the attachments' own limit
    within = JPEG + b"\x00" * (MAX_ATTACHMENT_BYTES - len(JPEG))
    before = len(stored_files(app))
    assert upload(client, ticket, desk, within).status_code == 201
    too_big = upload(client, ticket, desk, within + b"\x00")
    assert too_big.status_code == 413 and too_big.mimetype == "application/problem+json"
    far_too_big = upload(client, ticket, desk, within * 3)
    assert far_too_big.status_code == 413
    assert count(db, attachments) == 1 and len(stored_files(app)) == before + 1


def test_a_path_in_the_file_name_goes_nowhere(app, client, db, auth, make_estate, make_ticket, tmp_path) -> None:
    estate = make_estate()
    ticket = make_ticket(estate)
    desk = auth("service_desk_agent", [estate])
    created = upload(client, ticket, desk, PDF, "../../../../tmp/evil.pdf", "application/pdf")
    assert created.status_code == 201
    assert created.json["filename"] == "evil.pdf"
    root = Path(app.extensions["servicekit.settings"].attachments_dir)
    assert all(p.resolve().is_relative_to(root.resolve()) for p in stored_files(app))
    assert not Path("/tmp/evil.pdf").exists()


def test_bad_uploads_are_4xx_problems(client, db, auth, make_estate, make_ticket) -> None:
    estate = make_estate()
    ticket = make_ticket(estate)
    desk = auth("service_desk_agent", [estate])
    url = f"/api/v1/tickets/{ticket}/attachments"
    assert client.post(url, headers=desk, data=JPEG, content_type="image/jpeg").status_code == 415
    assert client.post(url, headers=desk, data={"other": "x"}, content_type="multipart/form-data").status_code == 422
    assert upload(client, ticket, desk, b"").status_code == 422
    assert client.post(url, headers=auth("owner", [estate]), data={}).status_code == 404  # not their ticket
    assert count(db, attachments) == 0


def test_an_owner_attaches_to_lists_and_downloads_from_their_own_ticket_only(client, db, auth, make_estate,
                                                                             make_row, make_ticket) -> None:
    """The owners' pages (GW-3): a photo with a report. Another household's ticket is 404 to an owner,
    as if it did not exist; only the desk removes an attachment."""
    estate = make_estate()
    reporter, neighbour = make_row(people, estate_id=estate), make_row(people, estate_id=estate, name="李四")
    ticket = make_ticket(estate, kind="repair", person_id=reporter)
    owner = auth("owner", [estate], subject=str(reporter))
    stranger = auth("owner", [estate], subject=str(neighbour))

    assert upload(client, ticket, stranger, JPEG).status_code == 404
    assert count(db, attachments) == 0
    created = upload(client, ticket, owner, JPEG, "漏水.jpg")
    assert created.status_code == 201, created.json
    assert [a["id"] for a in client.get(f"/api/v1/tickets/{ticket}/attachments", headers=owner).json] == [
        created.json["id"]]
    one = f"/api/v1/tickets/{ticket}/attachments/{created.json['id']}"
    assert client.get(one, headers=owner).data == JPEG
    assert client.get(f"/api/v1/tickets/{ticket}/attachments", headers=stranger).status_code == 404
    assert client.get(one, headers=stranger).status_code == 404
    assert client.delete(one, headers=owner).status_code == 403
    with db.connect() as conn:
        step = conn.execute(select(ticket_steps).where(ticket_steps.c.ticket_id == ticket,
                                                       ticket_steps.c.action == "attachment_added")).mappings().one()
    assert (step["actor"], step["actor_role"]) == (str(reporter), "owner")


def test_a_closed_ticket_takes_no_attachment(client, db, auth, make_estate, make_ticket) -> None:
    estate = make_estate()
    ticket = make_ticket(estate, stage="archived")
    assert upload(client, ticket, auth("service_desk_agent", [estate]), JPEG).status_code == 409


def test_another_estates_ticket_is_404_everywhere(client, db, auth, make_estate, make_ticket) -> None:
    mine, theirs = make_estate(), make_estate("月亮湾")
    their_ticket = make_ticket(theirs)
    my_ticket = make_ticket(mine)
    attachment = upload(client, their_ticket, auth(), JPEG).json["id"]
    desk = auth("estate_manager", [mine])
    for method, url in [("post", f"/api/v1/tickets/{their_ticket}/attachments"),
                        ("get", f"/api/v1/tickets/{their_ticket}/attachments"),
                        ("get", f"/api/v1/tickets/{their_ticket}/attachments/{attachment}"),
                        ("delete", f"/api/v1/tickets/{their_ticket}/attachments/{attachment}"),
                        # their attachment named under my ticket
                        ("get", f"/api/v1/tickets/{my_ticket}/attachments/{attachment}"),
                        ("delete", f"/api/v1/tickets/{my_ticket}/attachments/{attachment}")]:
        answer = getattr(client, method)(url, headers=desk)
        assert answer.status_code == 404, (method, url, answer.json)
    assert count(db, attachments) == 1


@pytest.mark.parametrize("role", ["service_desk_agent", "estate_manager"])
def test_the_desk_removes_an_attachment(app, client, db, auth, make_estate, make_ticket, role: str) -> None:
    estate = make_estate()
    handler = uuid.uuid4()
    ticket = make_ticket(estate, assignee_id=handler)  # the technician's own: they attach to it
    technician = auth("technician", [estate], subject=str(handler))
    created = upload(client, ticket, technician, JPEG).json
    url = f"/api/v1/tickets/{ticket}/attachments/{created['id']}"
    assert client.delete(url, headers=technician).status_code == 403
    before = len(stored_files(app))
    assert client.delete(url, headers=auth(role, [estate])).status_code == 204
    assert client.get(url, headers=auth(role, [estate])).status_code == 404
    assert count(db, attachments) == 0 and len(stored_files(app)) == before - 1
