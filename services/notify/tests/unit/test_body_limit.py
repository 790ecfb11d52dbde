"""A notice's largest list of households, with their variables, fits notify's default body limit
(servicekit's 256 KiB refused billing's list of 2,000 households with 413 before it was read)."""

import json

from notify.audiences.spec import MAX_LIST
from notify.service import SERVICE


def test_the_largest_list_a_notice_takes_fits_the_default_body_limit(monkeypatch):
    monkeypatch.delenv("NOTIFY_MAX_BODY_BYTES", raising=False)
    entry = {"person_id": "5f6e7d8c-9b0a-4f1e-8d2c-3b4a59687766", "unit_id": "0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
             "variables": {"amount": "12,345.60", "due_date": "2026年12月31日", "period": "2026年第四季度"}}
    body = json.dumps({"audience": {"list": [entry] * MAX_LIST}}, ensure_ascii=False).encode()
    assert len(body) < SERVICE.load_settings().max_body_bytes
