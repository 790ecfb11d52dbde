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


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/json"])
@pytest.mark.parametrize(("body", "status"), HOSTILE)
def test_a_hostile_body_is_refused_whatever_its_content_type(client, db, content_type, body, status) -> None:
    headers = {} if content_type is None else {"Content-Type": content_type}
    answer = client.post(URL, data=body.encode(), headers=headers)
    assert answer.status_code == status, answer.get_data(as_text=True)
    assert answer.mimetype == "application/problem+json"
    with db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(receipts)).scalar_one() == 0
