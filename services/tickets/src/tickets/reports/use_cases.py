"""Making, keeping and announcing the monthly complaint reports (TKT-12): on schedule by
:func:`generate_due` (the SLA timer calls it on every sweep) and on demand by :func:`generate` (the
API's POST: an existing report is a conflict unless ``regenerate``, which replaces its content and
announces it again). What a report holds is :mod:`tickets.reports.monthly`'s.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import insert, select, update

from servicekit.errors import Conflict, Invalid, Message, NotFound
from servicekit.rows import get_row, write
from servicekit.unit_of_work import UnitOfWork
from tickets.events import MONTHLY_REPORT_GENERATED, monthly_report_payload
from tickets.reports.monthly import build_report, estate_timezone, last_month, month_bounds, valid_zone
from tickets.tables import calendars, estates, monthly_reports

RETRY_AFTER_FAILURE = timedelta(minutes=5)
# Reports that failed to be made, and when this process tries each again (not before: the timer
# calls every second, and a report that fails would fail, and be logged, every second).
_failed_until: dict[tuple[UUID, str], datetime] = {}
log = logging.getLogger(__name__)


def generate(uow: UnitOfWork, estate_id: UUID, period: str, now: datetime, *, regenerate: bool = False,
             trigger: str = "demand") -> dict[str, Any]:
    """Make (or, with ``regenerate``, make again) ``estate_id``'s report of ``period``, a month that has ended."""
    with uow:
        estate = get_row(uow, estates, estate_id, "estate", what_zh="小区")
        if month_bounds(period, estate_timezone(uow, estate_id))[1] > now:
            raise Invalid(f"{period} has not ended yet; its report is made on the 1st of the next month",
                          f"{period} 尚未结束，该月报告将于下月1日生成",
                          errors={"period": ["has not ended"]})
        content = build_report(uow, estate, period, now)
        existing = uow.execute(select(monthly_reports.c.id).where(
            monthly_reports.c.estate_id == estate_id, monthly_reports.c.period == period)).scalar()
        exists = Message(f"the report of {period} exists; send regenerate to make it again",
                         f"{period} 的报告已生成；如需重新生成，请传 regenerate")
        if existing is not None and not regenerate:
            raise Conflict(exists.en, exists.zh)
        row = {"id": existing or uuid.uuid4(), "estate_id": estate_id, "period": period, "generated_at": now,
               "content": content}
        if existing is None:
            write(uow, insert(monthly_reports).values(row), conflict=exists)  # another replica's, meanwhile
        else:
            uow.execute(update(monthly_reports).where(monthly_reports.c.id == existing)
                        .values(generated_at=now, content=content))
        uow.record(MONTHLY_REPORT_GENERATED, row["id"],
                   monthly_report_payload(row, trigger, regenerated=existing is not None))
        uow.commit()
    return row


def generate_due(uow_factory: Callable[[], UnitOfWork], now: datetime) -> int:
    """Generate every monthly report that is due at ``now`` and not made yet; how many were made.

    Called on every sweep of the SLA timer, by every replica: it costs two small queries when
    nothing is due. On or after the 1st of a month (in each estate's zone), last month's report
    is due for every estate of the copy that has none. Two replicas racing for one report both
    build it, the unique (estate_id, period) lets one insert it, and the other's conflict is
    ignored: each report is stored, and announced, once. A month the timer never ran in (down
    for all of it) is not caught up: POST /api/v1/reports/monthly makes it.
    """
    with uow_factory() as uow:
        found = uow.execute(select(estates.c.id, calendars.c.timezone)
                            .select_from(estates.outerjoin(calendars, calendars.c.estate_id == estates.c.id))).all()
        due = {estate_id: last_month(now, valid_zone(zone)) for estate_id, zone in found}
        made = set(uow.execute(select(monthly_reports.c.estate_id, monthly_reports.c.period)
                               .where(monthly_reports.c.period.in_(set(due.values())))).all()) if due else set()
    count = 0
    for estate_id, period in sorted(due.items(), key=lambda item: str(item[0])):
        if (estate_id, period) in made or _failed_until.get((estate_id, period), now) > now:
            continue
        try:
            generate(uow_factory(), estate_id, period, now, trigger="schedule")
            count += 1
        except (Conflict, NotFound):  # another replica made it first / the estate left the copy meanwhile
            continue
        except Exception:  # the timer's sweep goes on; this report is tried again after a pause
            log.exception("could not make the monthly report of estate %s for %s", estate_id, period)
            _failed_until[(estate_id, period)] = now + RETRY_AFTER_FAILURE
    return count
