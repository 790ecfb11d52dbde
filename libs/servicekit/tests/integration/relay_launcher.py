"""Test-only: run an OutboxRelay in a process of its own, so a test can kill it with SIGKILL.

    python relay_launcher.py DATABASE_URL AMQP_URL SERVICE [--batch-size N] [--crash-before-mark]

With ``--crash-before-mark`` the relay kills itself (SIGKILL: no cleanup, no rollback message) in
the step that would mark its first batch published, that is after every message of the batch was
confirmed by the broker and before the database records it: the worst moment for a relay to die.
"""

from __future__ import annotations

import argparse
import os
import signal

from sqlalchemy import MetaData

from servicekit.amqp import Backoff
from servicekit.db import make_engine
from servicekit.logs import configure_logging
from servicekit.outbox import Outbox
from servicekit.relay import OutboxRelay, run_relay
from servicekit.topology import Topology


def die_before_marking(*_args: object) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("amqp_url")
    parser.add_argument("service")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--crash-before-mark", action="store_true")
    args = parser.parse_args()
    configure_logging(f"{args.service}-relay")
    if args.crash_before_mark:
        OutboxRelay._mark_published = die_before_marking  # type: ignore[method-assign]
    run_relay(
        make_engine(args.database_url), Outbox(MetaData()), args.amqp_url, Topology(args.service),
        batch_size=args.batch_size, backoff=Backoff(0.1, 1.0),
    )


if __name__ == "__main__":
    main()
