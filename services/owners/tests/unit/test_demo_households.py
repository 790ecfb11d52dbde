"""The demo households README's notify story needs (issue 15): a few owners whose numbers the SMS
stand-in fails, each with an e-mail address to resend to; nothing else in the estate changes."""

from __future__ import annotations

import csv
import io

from owners.demo import DEMO_FAILING_OWNERS, FAILING_SUFFIX, demo_households_csv


def _rows(**options: int) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(demo_households_csv(**options))))


def test_a_few_owners_have_numbers_the_sms_standin_fails_and_each_an_email() -> None:
    rows = _rows(failing_owners=DEMO_FAILING_OWNERS)
    failing = [r for r in rows if r["mobile"].endswith(FAILING_SUFFIX)]
    first_owners = [r for r in failing if r["role"] == "owner" and r["contact_order"] == "1"]
    assert len(first_owners) >= 3  # "a few" households the fee notice's SMS does not reach
    assert all(r["email"] for r in failing)  # README's "resend by e-mail" reaches each of them
    assert all(r["preferred_channel"] == "" for r in failing)  # the SMS is tried first, as README tells
    mobiles = [r["mobile"] for r in rows if r["mobile"]]
    assert len(set(mobiles)) == len({(r["mobile"], r["name"]) for r in rows if r["mobile"]})  # none shared


def test_nothing_else_in_the_estate_changes() -> None:
    plain, failing = _rows(), _rows(failing_owners=DEMO_FAILING_OWNERS)
    changed = [(a, b) for a, b in zip(plain, failing, strict=True) if a != b]
    assert len(changed) == DEMO_FAILING_OWNERS
    assert all({k for k in a if a[k] != b[k]} <= {"mobile", "email", "preferred_channel"} for a, b in changed)
