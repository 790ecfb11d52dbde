"""Environment readers: configuration comes only from environment variables.

Each service reads its settings in one module of its own with these helpers, at start-up, never at
import time, so tests and processes can set the environment first.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

DEFAULT_AMQP_URL = "amqp://guest:guest@localhost:5672/%2F"


class ConfigError(ValueError):
    """A setting is present but unusable; the process should stop with this message."""


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if default is None:
        raise ConfigError(f"environment variable {name} is required")
    return default


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def env_float(name: str, default: float, *, minimum: float | None = None) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if not math.isfinite(value):  # "nan" and "inf" parse, but no interval or rate means them
        raise ConfigError(f"{name} must be a finite number, got {raw!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum:g}, got {value:g}")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def var_dir() -> Path:
    """Where local state lives (SQLite files, dev keys): ``$ESTATEDESK_VAR`` or ``./var``."""
    path = Path(env_str("ESTATEDESK_VAR", "var")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url(service: str) -> str:
    """``<SERVICE>_DATABASE_URL`` (``TICKETS_DATABASE_URL``), else ``DATABASE_URL``, else the embedded
    default: a SQLite file under ``var/``. Services never share a database: where one environment
    holds several services' processes (``make run``), each names its own."""
    own = os.environ.get(f"{service.upper()}_DATABASE_URL", "").strip()
    return own or env_str("DATABASE_URL", f"sqlite:///{var_dir() / (service + '.sqlite3')}")


def amqp_url() -> str:
    return env_str("AMQP_URL", DEFAULT_AMQP_URL)
