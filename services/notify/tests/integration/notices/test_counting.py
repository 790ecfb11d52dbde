"""Creating a notice counts its audience instead of resolving it (notify.audiences.counting): the
estimate made from the counted groups is the estimate of resolving every household, on PostgreSQL
and SQLite, whatever the names (Chinese, ASCII: UCS-2 or GSM-7 SMS of other lengths), contact points,
languages and opt-outs; and the households are not read one by one."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert
from sqlalchemy.orm import Session

from notify.audiences import spec
from notify.audiences.counting import counted
from notify.audiences.resolve import resolve
from notify.notices.composing import estimate
from notify.tables import opt_outs
from servicekit.rows import now

TODAY = date(2026, 3, 2)
TEMPLATE = {"texts": {"zh-CN": {"subject": "缴费通知", "body": "${name}您好：${unit}的物业费请于${due_date}前缴纳。"},
                      "en": {"subject": "Fee",
                             "body": "Dear ${name} of ${unit} (${estate}): the fee is due ${due_date}."}},
            "variables": ["due_date"], "sms_template_code": "SMS_1"}


@pytest.fixture
def mixed(world):
    """Households of every shape an estimate depends on, several alike."""
    people = [("王芳", "13800000001", None, "zh-CN"), ("李伟", "13800000002", None, "zh-CN"),
              ("欧阳娜娜", "13800000003", "o@example.com", "zh-CN"), ("Tom", "13800000004", None, "en"),
              ("Jo", None, "jo@example.com", "en"), ("Alexandra Konstantinopoulou", "13800000006", None, "en"),
              ("赵六", None, None, "zh-CN"), ("Zoë", "13800000008", None, "en"), ("孙七", "13800000009", None, "zh-CN")]
    ids = []
    for n, (name, mobile, email, language) in enumerate(people * 3):
        _, person = world.household(f"{n // 4 + 1}-{n % 4 + 1}01", name, building=str(n % 3 + 1), mobile=mobile,
                                    email=email, language=language)
        ids.append(person)
    with world.engine.begin() as conn:
        conn.execute(insert(opt_outs).values(person_id=ids[1], purpose="activity", estate_id=world.estate_id,
                                             created_at=now()))
    return ids


@pytest.mark.parametrize("purpose", ["fee", "activity"])
@pytest.mark.parametrize("channels", [("sms",), ("sms", "email", "in_app"), ("email", "sms")])
@pytest.mark.parametrize("audience", [{"estate": True}, {"estate": True, "role": "owners"}])
def test_the_counted_estimate_is_the_resolved_one(db, world, mixed, purpose, channels, audience) -> None:
    checked = spec.check(audience)
    with Session(db) as session:
        groups = counted(session, world.estate_id, checked, purpose=purpose, channels=channels, today=TODAY)
        everyone = resolve(session, world.estate_id, checked, purpose=purpose, channels=channels, today=TODAY)
    assert sum(count for _, count in groups) == len(everyone) == 27
    assert len(groups) < len(everyone)  # households alike are counted together
    variables = {"due_date": "3月31日"}
    by_count = estimate(TEMPLATE, variables, groups, channels, "阳光物业", 5)
    resolved = estimate(TEMPLATE, variables, [(r, 1) for r in everyone], channels, "阳光物业", 5)
    assert by_count == resolved
    assert by_count.recipients > 0 and by_count.excluded.get("opted_out") == (1 if purpose == "activity" else None)
