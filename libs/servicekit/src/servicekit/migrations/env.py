"""Alembic environment of a service's database; the service comes from :mod:`servicekit.migrate`."""

from alembic import context
from sqlalchemy import pool

from servicekit.db import UtcDateTime, make_engine

config = context.config
service = config.attributes["service"]


def render_item(kind: str, obj: object, autogen_context: object) -> str | bool:
    """Revisions name plain SQLAlchemy types: UtcDateTime is a timezone-aware DateTime on disk."""
    if kind == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)

with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=service.metadata,
        render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
