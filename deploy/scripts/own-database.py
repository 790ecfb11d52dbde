"""A PostgreSQL database of a service's own beside the one DATABASE_URL names, for `make run`.

    own-database.py SERVICE     prints SERVICE's database URL: DATABASE_URL's server and credentials,
                                its database's name with SERVICE for `owners` (estatedesk_owners ->
                                estatedesk_tickets, owners -> tickets) or SERVICE appended
                                (estatedesk -> estatedesk_tickets); created when missing

Services never share a database (their tables would collide: tickets' copy has owners' table names).
`make run` with DATABASE_URL set gives it to owners, and to every other service the URL this prints as
`<SERVICE>_DATABASE_URL`, unless that is set already. Exit status 1, with the reason, when the
database cannot be made (a role without CREATEDB: create it, or set `<SERVICE>_DATABASE_URL`).
"""

from __future__ import annotations

import os
import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError


def own_name(shared: str, service: str) -> str:
    """The name of ``service``'s database beside the shared one (owners'), never the same name."""
    if not shared:
        raise ValueError("DATABASE_URL names no database")
    if shared.endswith("owners"):
        return shared.removesuffix("owners") + service
    return f"{shared}_{service}"


def own_database(service: str, shared: str) -> str:
    url = make_url(shared)
    if not url.drivername.startswith("postgresql"):
        raise ValueError(f"DATABASE_URL is not PostgreSQL ({url.drivername}); set {service.upper()}_DATABASE_URL")
    name = own_name(url.database or "", service)
    own = url.set(database=name)
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
                print(f"own-database: created database {name!r} for {service}", file=sys.stderr)
    finally:
        engine.dispose()
    return own.render_as_string(hide_password=False)


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].isidentifier():
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(own_database(argv[0], os.environ["DATABASE_URL"]))
    except (KeyError, ValueError, SQLAlchemyError) as exc:
        print(f"own-database: {argv[0]}: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
