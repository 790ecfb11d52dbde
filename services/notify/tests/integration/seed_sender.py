"""``notify send`` with the workarounds of two bugs of the merged sender, for the seed case and its
benchmark while the fixes are not on main (``SEED_CASE_WORKAROUNDS=1``; the proof itself runs the
real ``notify send``)::

    python services/notify/tests/integration/seed_sender.py send

1. ``Sender._area`` (notify/sending/worker.py) runs ``start_due`` inside ``session.begin()``, but
   ``start_due`` (notify/notices/starting.py) commits on its own: the second commit raises
   ``InvalidRequestError: Can't operate on closed transaction inside context manager`` and the
   sender exits on the first round that starts a notice. Here: a plain session, committed after.
2. ``calls.record`` builds each ``Outgoing`` with ``outgoing(row)`` (notify/sending/calls.py), whose
   ``sign_name`` defaults to "": every SendSms goes without a SignName, the provider (and the
   stand-in) answer ``isv.SMS_SIGNATURE_ILLEGAL``, and the SMS is retried until it fails. Here:
   the estate's ``sms_sign_name`` (``estate_settings``, else the default) is filled in.
"""

from __future__ import annotations

import sys
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notify.cli import main
from notify.schedule.estate_settings import DEFAULTS
from notify.sending import calls, worker
from notify.tables import estate_settings


def _area(self: worker.Sender, reference: str, call: Any) -> int:
    function = worker.area_function(reference)
    if function is None:
        return 0
    with Session(self.engine) as session:
        done = int(call(function, session, self.clock()) or 0)
        session.commit()
        return done


_signs: dict[Any, str] = {}
_original_outgoing = calls.outgoing
_engine: list[Any] = []


def _sign_of(estate_id: Any) -> str:
    if estate_id not in _signs:
        from servicekit.config import database_url
        from servicekit.db import make_engine

        if not _engine:
            _engine.append(make_engine(database_url("notify")))
        with _engine[0].connect() as conn:
            found = conn.execute(select(estate_settings.c.sms_sign_name)
                                 .where(estate_settings.c.estate_id == estate_id)).scalar()
        _signs[estate_id] = found or DEFAULTS["sms_sign_name"]
    return _signs[estate_id]


def _outgoing(row: Any, sign_name: str = "") -> Any:
    return _original_outgoing(row, sign_name or _sign_of(row["estate_id"]))


def patch() -> None:
    worker.Sender._area = _area  # type: ignore[method-assign]
    calls.outgoing = _outgoing


if __name__ == "__main__":
    patch()
    sys.exit(main(sys.argv[1:]))
