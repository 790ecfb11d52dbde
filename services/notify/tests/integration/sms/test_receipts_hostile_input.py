"""The receipts callback is as strict as the rest of the API: servicekit's input guards refuse a
hostile body whatever its content type (text/plain, none, or JSON), a problem answer and nothing
stored, never a 500."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from notify.tables import receipts

URL = "/api/v1/receipts/aliyun/estatedesk-local-receipts"
HOSTILE = [
    ("[" * 40 + "]" * 40, 400),
    ('[{"phone_number": "13900000001", "biz_id": ' + "9" * 100 + "}]", 400),
    ('[{"phone_number": "13900000001", "biz_id": "B\\u0000", "success": true}]', 422),
    ('[{"phone_number": "13900000001", "biz_id": "B\\udc00", "success": true}]', 422),
]


RAW = [  # bytes no JSON text holds: a raw NUL in a string, a surrogate encoded as UTF-8, not UTF-8 at all
    b'[{"phone_number": "13900000001", "biz_id": "B\x00", "success": true}]',
    b'[{"phone_number": "13900000001", "biz_id": "B\xed\xa0\x80", "success": true}]',
    b'[{"phone_number": "13900000001", "biz_id": "B\xff", "success": true}]',
]


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/json"])
@pytest.mark.parametrize("body", RAW)
def test_raw_bytes_no_json_holds_are_never_a_500(client, content_type, body) -> None:
    # A raw NUL makes the text no JSON (400); bytes that are not UTF-8 are read as U+FFFD, as the
    # guard reads every JSON body of the API, and stored as such.
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = client.post(URL, data=body, headers=headers)
    assert answer.status_code < 500, answer.get_data(as_text=True)
    assert answer.status_code == 400 or b"\x00" not in body


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/json"])
@pytest.mark.parametrize(("body", "status"), HOSTILE)
def test_a_hostile_body_is_refused_whatever_its_content_type(client, db, content_type, body, status) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = client.post(URL, data=body.encode(), headers=headers)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(receipts)).scalar_one() == 0
