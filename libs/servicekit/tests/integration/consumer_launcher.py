"""Test-only: run an InboxConsumer in a process of its own, so a test can kill it with SIGKILL.

    python consumer_launcher.py DATABASE_URL AMQP_URL SERVICE EVENT_TYPE DELIVERY_LIMIT [--die-in-handler S]

The consumer consumes ``EVENT_TYPE`` into the world's tables (see conftest.py). With
``--die-in-handler S`` the first handler call waits ``S`` seconds (so the whole prefetch window is
delivered) and then kills the process with SIGKILL: a crash before the consumer's first commit.
"""

from __future__ import annotations

import argparse
import os
import signal
import time

from sqlalchemy import Column, Integer, MetaData, String, Table, insert
from sqlalchemy.orm import Session

from servicekit.amqp import Backoff
from servicekit.consumer import run_consumer
from servicekit.db import make_engine
from servicekit.envelope import CloudEvent
from servicekit.logs import configure_logging
from servicekit.outbox import define_inbox
from servicekit.topology import Topology


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("database_url")
    parser.add_argument("amqp_url")
    parser.add_argument("service")
    parser.add_argument("event_type")
    parser.add_argument("delivery_limit", type=int)
    parser.add_argument("--unhandled-type", action="append", default=[])
    parser.add_argument("--die-in-handler", type=float)
    args = parser.parse_args()
    configure_logging(f"{args.service}-consumer")
    metadata = MetaData()
    inbox = define_inbox(metadata)
    applied = Table(
        "applied", metadata,
        Column("n", Integer, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False),
        Column("correlation_id", String(128)),
    )

    def record(session: Session, event: CloudEvent) -> None:
        if args.die_in_handler is not None:
            time.sleep(args.die_in_handler)
            os.kill(os.getpid(), signal.SIGKILL)
        session.execute(insert(applied).values(event_id=event.id))

    topology = Topology(args.service, consumes=(args.event_type, *args.unhandled_type),
                        delivery_limit=args.delivery_limit)
    run_consumer(make_engine(args.database_url), inbox, args.amqp_url, topology, {args.event_type: record},
                 name=args.service, backoff=Backoff(0.1, 1.0))


if __name__ == "__main__":
    main()
