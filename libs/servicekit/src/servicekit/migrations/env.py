"""Alembic environment of a service's database; the service comes from :mod:`servicekit.migrate`."""

from alembic import context
from sqlalchemy import pool

from servicekit.db import make_engine

config = context.config
service = config.attributes["service"]
engine = make_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)

with engine.connect() as connection:
    context.configure(
        connection=connection, target_metadata=service.metadata,
        render_as_batch=connection.dialect.name == "sqlite", compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
