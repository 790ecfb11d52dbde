"""The settings every service reads from the environment at start-up, named after the service.

``<SERVICE>_PORT`` and ``<SERVICE>_MAX_BODY_BYTES`` take the service's name in capitals as prefix
(``OWNERS_PORT``); ``DATABASE_URL``, ``AMQP_URL`` and ``LOG_LEVEL`` are the same for every service,
but ``<SERVICE>_DATABASE_URL`` comes before ``DATABASE_URL`` where one environment holds several
services (``make run``), since services never share a database.
A service with settings of its own subclasses :class:`ServiceSettings`, gives each new field a
default and reads it in :meth:`ServiceSettings.own_from_env`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Self

from servicekit.config import amqp_url, database_url, env_int, env_str

DEFAULT_MAX_BODY_BYTES = 256 * 1024


@dataclass(frozen=True)
class ServiceSettings:
    database_url: str
    amqp_url: str
    port: int
    log_level: str
    max_body_bytes: int
    # A service whose requests are larger by nature (a notice's list of 100,000 households) raises it.
    default_max_body_bytes: ClassVar[int] = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, service: str, default_port: int) -> Self:
        """The settings of ``service`` from the environment, with defaults that work on one machine."""
        prefix = env_prefix(service)
        return cls(
            database_url=database_url(service),
            amqp_url=amqp_url(),
            port=env_int(f"{prefix}_PORT", default_port, minimum=1),
            log_level=env_str("LOG_LEVEL", "INFO"),
            max_body_bytes=env_int(f"{prefix}_MAX_BODY_BYTES", cls.default_max_body_bytes, minimum=1024),
            **cls.own_from_env(prefix),
        )

    @classmethod
    def own_from_env(cls, prefix: str) -> dict[str, Any]:
        """The subclass's own fields, read from ``<prefix>_...`` variables; none here."""
        return {}

    @classmethod
    def offline(cls) -> Self:
        """Settings of an app that touches no database or broker (to render its OpenAPI document)."""
        return cls(database_url="sqlite://", amqp_url="amqp://unused", port=0, log_level="WARNING",
                   max_body_bytes=DEFAULT_MAX_BODY_BYTES)


def env_prefix(service: str) -> str:
    """``owners`` -> ``OWNERS``: the prefix of a service's own environment variables."""
    return service.upper()
