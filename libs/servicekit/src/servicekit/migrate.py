"""A service's database migrations: Alembic, with the environment in servicekit and only the
revisions (``<package>/migrations/versions``) in the service.

Run once per deployment, before the processes start (``<service> migrate``), never from them.
"""

from __future__ import annotations

from alembic import command
from alembic.config import Config

from servicekit.service import Service


def alembic_config(service: Service, database_url: str) -> Config:
    """Alembic's configuration for ``service`` on ``database_url``."""
    config = Config()
    config.set_main_option("path_separator", "os")  # version_locations is one path, spaces and all
    config.set_main_option("script_location", "servicekit:migrations")
    config.set_main_option("version_locations", str(service.migrations))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["service"] = service
    return config


def upgrade(service: Service, database_url: str) -> None:
    """Bring the database to the newest schema (``alembic upgrade head``)."""
    command.upgrade(alembic_config(service, database_url), "head")


def revision(service: Service, database_url: str, message: str, *, autogenerate: bool = True) -> None:
    """Write a new revision, by default the difference between the tables and ``database_url``."""
    command.revision(alembic_config(service, database_url), message=message, autogenerate=autogenerate)
