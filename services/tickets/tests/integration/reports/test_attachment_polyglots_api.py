"""Issue 16: an attachment that is two formats at once (PDF+HTML, JPEG+HTML, PNG+PHP) is refused
(415, nothing kept), not accepted as its declared type."""

from __future__ import annotations

import pytest

from tickets.tables import attachments

from .test_attachments_api import JPEG, PDF, PNG, count, stored_files, upload

POLYGLOTS = [
    (PDF + b"\n<html><body><script>alert(document.cookie)</script></body></html>", "report.pdf", "application/pdf"),
    (JPEG + b"\xff\xd9<!DOCTYPE html><script>alert(1)</script>", "photo.jpg", "image/jpeg"),
    (PNG + b"\x00\x00\x00\x1btEXtComment\x00<?php system($_GET['c']); ?>", "photo.png", "image/png"),
]


@pytest.mark.parametrize(("data", "name", "content_type"), POLYGLOTS, ids=["pdf+html", "jpeg+html", "png+php"])
def test_a_file_of_two_formats_is_refused(app, client, db, auth, make_estate, make_ticket, data, name,
                                          content_type) -> None:
    estate = make_estate()
    ticket = make_ticket(estate)
    kept = stored_files(app)
    answer = upload(client, ticket, auth("service_desk_agent", [estate]), data, name, content_type)
    assert answer.status_code == 415 and "file" in answer.json["errors"], answer.json
    assert count(db, attachments) == 0 and stored_files(app) == kept
    plain = upload(client, ticket, auth("service_desk_agent", [estate]), data.split(b"<")[0], name, content_type)
    assert plain.status_code == 201, plain.json
