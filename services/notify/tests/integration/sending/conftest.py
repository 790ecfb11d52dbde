"""Helpers of the sender's tests: notices and messages inserted as the notices branch makes them, a
fake SMS adapter (accepts, rejects, throttles, or loses the answer after "sending"), a clock."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select

from notify.domain import channels
from notify.providers.base import OutcomeUnknown, Outgoing, Rejected, SendResult
from notify.tables import message_history, messages, notices, recipients

T0 = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)


class Clock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now

    def sleep(self, seconds: float) -> None:
        """What the sender waits on instead of sleeping (a limited provider's calls are spaced): the
        clock is at least that much later (two replicas waiting at once do not add up)."""
        target = self.now + timedelta(seconds=seconds)
        self.now = max(self.now, target)


class FakeSms:
    """An SMS provider in memory. ``mode``: "accept", "reject" (temporary), "refuse" (permanent:
    a bad number), "throttle", or "lose" (takes the messages, then the answer is lost:
    OutcomeUnknown). ``known`` is what it took, as ``find_sent`` answers; ``sent`` counts each
    message id it took."""

    provider = "fake-sms"
    channel = channels.SMS

    def __init__(self, mode: str = "accept", per_call: int = 100, clock: Callable[[], datetime] | None = None,
                 answerable: bool | str = True) -> None:
        self.mode, self.per_call, self.clock, self.answerable = mode, per_call, clock, answerable
        self.sent: Counter[uuid.UUID] = Counter()
        self.known: dict[uuid.UUID, str] = {}
        self.signs: list[str] = []  # the SMS signature of each message taken
        self.calls = 0
        self.at: list[datetime] = []  # the clock's time of each message taken
        self._lock = threading.Lock()

    def plan(self, messages: Sequence[Outgoing]) -> list[list[Outgoing]]:
        return [list(messages[i:i + self.per_call]) for i in range(0, len(messages), self.per_call)]

    def send(self, call_id: uuid.UUID, messages: Sequence[Outgoing]) -> SendResult:
        with self._lock:
            self.calls += 1
            if self.mode == "throttle":
                return SendResult(throttled=True, retry_after=5)
            if self.mode in ("reject", "refuse"):
                return SendResult(rejected=[Rejected(o.message_id, "isv.MOBILE_NUMBER_ILLEGAL" if self.mode == "refuse"
                                                     else "isp.SYSTEM_ERROR", "fake", self.mode == "refuse")
                                            for o in messages])
            ref = f"biz-{call_id.hex[:12]}"
            for o in messages:
                self.signs.append(o.sign_name)
                self.sent[o.message_id] += 1
                self.known[o.message_id] = ref
                if self.clock is not None:
                    self.at.append(self.clock())
            if self.mode == "lose":
                raise OutcomeUnknown("timed out reading the answer")
            return SendResult(provider_ref=ref, accepted={o.message_id: ref for o in messages})

    def find_sent(self, call_id: uuid.UUID, messages: Sequence[Outgoing], started_at: datetime
                  ) -> dict[uuid.UUID, str | None] | None:
        if self.answerable == "down":
            raise OutcomeUnknown("the send-details query timed out")
        if not self.answerable:
            return None
        return {o.message_id: self.known[o.message_id] for o in messages if o.message_id in self.known}


def add_notice(engine: Engine, *, channels_: Iterable[str] = ("sms", "email", "in_app"), status: str = "sending",
               estate_id: uuid.UUID | None = None, now: datetime = T0) -> dict[str, Any]:
    row = {"id": uuid.uuid4(), "estate_id": estate_id or uuid.uuid4(), "template_id": uuid.uuid4(), "purpose": "fee",
           "title": "物业费缴纳通知", "channels": list(channels_), "audience": {"estate": True}, "variables": {},
           "status": status, "send_at": now, "created_by": "test", "created_at": now, "started_at": now}
    with engine.begin() as conn:
        conn.execute(insert(notices).values(row))
    return row


def add_messages(engine: Engine, notice: dict[str, Any] | None, count: int, *, channel: str = "sms",
                 now: datetime = T0, urgent: bool = False, address: Callable[[int], str] | None = None,
                 email: Callable[[int], str | None] | None = None) -> list[uuid.UUID]:
    """``count`` queued messages of ``notice`` (None: event-driven), each with its recipient row."""
    estate = notice["estate_id"] if notice else uuid.uuid4()
    people_rows, message_rows = [], []
    for n in range(count):
        mobile = f"139{n:08d}"
        mail = email(n) if email else f"owner{n}@example.com"
        recipient = uuid.uuid4()
        if notice is not None:
            people_rows.append({"id": recipient, "notice_id": notice["id"], "estate_id": estate,
                                "person_id": uuid.uuid4(), "name": f"业主{n}", "language": "zh-CN",
                                "mobile": mobile, "email": mail, "variables": {}})
        to = address(n) if address else (mobile if channel == "sms" else mail if channel == "email" else None)
        message_rows.append({
            "id": uuid.uuid4(), "estate_id": estate, "notice_id": notice["id"] if notice else None,
            "recipient_id": recipient if notice else None,
            "person_id": people_rows[-1]["person_id"] if notice else uuid.uuid4(), "channel": channel,
            "address": to, "language": "zh-CN", "subject": "物业费缴纳通知",
            "body": f"尊敬的业主{n}：请于3月10日前缴纳物业费。",
            "params": {"name": f"业主{n}"}, "urgent": urgent, "state": "queued", "next_attempt_at": now,
            "queued_at": now + timedelta(microseconds=n), "updated_at": now})
    with engine.begin() as conn:
        if people_rows:
            conn.execute(insert(recipients), people_rows)
        conn.execute(insert(messages), message_rows)
    return [row["id"] for row in message_rows]


def states_of(engine: Engine, notice_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        statement = select(messages).order_by(messages.c.queued_at)
        if notice_id is not None:
            statement = statement.where(messages.c.notice_id == notice_id)
        return [dict(row) for row in conn.execute(statement).mappings()]


def history_of(engine: Engine, message_id: uuid.UUID) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        return [(r.state, r.code) for r in conn.execute(select(message_history).where(
            message_history.c.message_id == message_id).order_by(message_history.c.id))]


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def kit() -> Any:
    """The helpers above, for the tests of this folder (importlib mode: conftest is not importable)."""
    import types

    return types.SimpleNamespace(Clock=Clock, FakeSms=FakeSms, add_notice=add_notice, add_messages=add_messages,
                                 states_of=states_of, history_of=history_of, T0=T0)
