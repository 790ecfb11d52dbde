"""How far a consuming service's copy of owners' data has come, for `make run` (run-local.sh).

    copy-status.py state CONSUMER     prints one word: `nothing` (owners holds no data), `empty` (owners
                                      does, the copy holds none), `partial` or `complete`
    copy-status.py wait CONSUMER [--timeout S] [--while-pid PID]
                                      waits until the copy is complete: exit 0; 1 when the timeout
                                      passes first; 3 when process PID (the `make run` processes) ends

Complete means: every table of the copy holds at least as many rows as owners' table of the same name
(a copy keeps released territories and moved-out occupancies as rows, so it may hold more). Each
database is the one its service uses: `<SERVICE>_DATABASE_URL`, else `DATABASE_URL`, else its SQLite
file under var/. A development aid only: services never read each other's databases.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from sqlalchemy import func, inspect, select, table

from servicekit.config import database_url
from servicekit.db import make_engine

PRODUCER = "owners"
# The tables of owners' data each consumer keeps a copy of (the copy's tables have owners' names).
COPIES = {"tickets": ("estates", "buildings", "units", "people", "occupancies", "staff", "territories", "companies"),
          "notify": ("estates", "buildings", "units", "people", "occupancies", "staff", "companies"),
          "gateway": ("staff", "territories", "people", "occupancies"),
          "surveys": ("estates", "buildings", "units", "people", "occupancies", "staff", "territories")}


def counts(service: str, names: tuple[str, ...]) -> dict[str, int]:
    engine = make_engine(database_url(service))
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            return {name: conn.execute(select(func.count()).select_from(table(name))).scalar_one()
                    if name in present else 0 for name in names}
    finally:
        engine.dispose()


def state(consumer: str) -> str:
    names = COPIES[consumer]
    have, want = counts(consumer, names), counts(PRODUCER, names)
    if not any(want.values()):
        return "nothing"
    if not any(have.values()):
        return "empty"
    return "complete" if all(have[n] >= want[n] for n in names) else "partial"


def _alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wait(consumer: str, timeout: float, while_pid: int | None, every: float = 2.0) -> int:
    deadline = time.monotonic() + timeout
    while _alive(while_pid):
        if state(consumer) == "complete":
            return 0
        if time.monotonic() >= deadline:
            return 1
        time.sleep(every)
    return 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="copy-status.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("state", "wait"):
        command = sub.add_parser(name)
        command.add_argument("consumer", choices=sorted(COPIES))
        if name == "wait":
            command.add_argument("--timeout", type=float, default=600.0)
            command.add_argument("--while-pid", type=int)
    args = parser.parse_args(argv)
    if args.command == "state":
        print(state(args.consumer))
        return 0
    return wait(args.consumer, args.timeout, args.while_pid)


if __name__ == "__main__":
    sys.exit(main())
