"""The owners service's settings, read from the environment once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from servicekit.config import amqp_url, database_url, env_int, env_str

SERVICE = "owners"


@dataclass(frozen=True)
class Settings:
    database_url: str
    amqp_url: str
    port: int
    log_level: str
    max_body_bytes: int
    max_import_bytes: int

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=database_url(SERVICE),
            amqp_url=amqp_url(),
            port=env_int("OWNERS_PORT", 8001, minimum=1),
            log_level=env_str("LOG_LEVEL", "INFO"),
            max_body_bytes=env_int("OWNERS_MAX_BODY_BYTES", 256 * 1024, minimum=1024),
            max_import_bytes=env_int("OWNERS_MAX_IMPORT_BYTES", 64 * 1024 * 1024, minimum=1024),
        )
