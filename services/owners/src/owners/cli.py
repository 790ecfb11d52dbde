"""``owners``: the service's processes and chores, one sub-command each.

    owners migrate              bring the database to the newest schema (once, before web starts)
    owners topology             declare the exchanges and queues on RabbitMQ (once, before the relay starts)
    owners relay                publish the outbox to RabbitMQ (runs until SIGTERM/SIGINT)
    owners load-demo            load the demo estate unless it is there
    owners import-households    import an estate's households from a CSV file
    owners openapi              regenerate contracts/openapi.json from the app (after an API change)
"""

from __future__ import annotations

import argparse

from owners.settings import SERVICE, Settings
from servicekit.logs import configure_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="owners", description="estatedesk owners service")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("migrate", help="alembic upgrade head")
    sub.add_parser("topology", help="declare owners' exchanges, queues and bindings on RabbitMQ")
    sub.add_parser("relay", help="run the outbox relay")
    sub.add_parser("load-demo", help="load the demo estate (idempotent)")
    imp = sub.add_parser("import-households", help="import households from CSV")
    imp.add_argument("estate_code")
    imp.add_argument("csv_file")
    imp.add_argument("--skip-bad-rows", action="store_true")
    doc = sub.add_parser("openapi", help="write the OpenAPI document the app generates")
    doc.add_argument("--output", help="where to write it (default: the service's contracts/openapi.json)")
    args = parser.parse_args(argv)
    if args.command == "openapi":  # needs no settings: it builds an app on no database
        from pathlib import Path

        from owners.openapi import CONTRACT, write_openapi

        print(f"wrote {write_openapi(Path(args.output) if args.output else CONTRACT)}")
        return 0
    settings = Settings.from_env()
    configure_logging(SERVICE, settings.log_level)

    if args.command == "migrate":
        from owners.migrate import upgrade

        upgrade(settings.database_url)
        return 0
    if args.command == "topology":
        from owners.topology import TOPOLOGY
        from servicekit.topology import setup_topology

        setup_topology(settings.amqp_url, TOPOLOGY)
        return 0
    if args.command == "relay":
        from owners.adapters.tables import outbox
        from owners.topology import TOPOLOGY
        from servicekit.db import make_engine
        from servicekit.relay import run_relay

        run_relay(make_engine(settings.database_url), outbox, settings.amqp_url, TOPOLOGY)
        return 0
    if args.command == "load-demo":
        from owners.demo import load_demo

        return load_demo(settings)
    from owners.imports import import_households_cli

    return import_households_cli(settings, args.estate_code, args.csv_file, skip_bad_rows=args.skip_bad_rows)


if __name__ == "__main__":
    raise SystemExit(main())
