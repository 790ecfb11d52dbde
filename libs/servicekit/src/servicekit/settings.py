"""The settings every service reads from the environment at start-up, named after the service.

``<SERVICE>_PORT``, ``<SERVICE>_MAX_BODY_BYTES`` and ``<SERVICE>_TRUSTED_PROXIES`` take the service's
name in capitals as prefix (``OWNERS_PORT``); ``DATABASE_URL``, ``AMQP_URL`` and ``LOG_LEVEL`` are the
same for every service, but ``<SERVICE>_DATABASE_URL`` comes before ``DATABASE_URL`` where one
environment holds several services (``make run``), since services never share a database.

A service with settings of its own subclasses :class:`ServiceSettings` and declares each field
with its default; nothing else. Each is read from ``<SERVICE>_<FIELD NAME IN CAPITALS>`` by its
type (str, int, float or bool), so a variable's name can be found from the field and never
drifts from it::

    @dataclass(frozen=True)
    class Settings(ServiceSettings):
        timer_interval_seconds: float = 1.0                          # TICKETS_TIMER_INTERVAL_SECONDS
        timer_batch: int = setting(500, minimum=1)                   # TICKETS_TIMER_BATCH
        attachments_dir: str = setting("", default_from=lambda: str(var_dir() / "attachments"))
        diary_conflicts: str = setting("warn", choices=("warn", "refuse"))  # TICKETS_DIARY_CONFLICTS

A value that is not of the field's type, below its minimum or not one of its choices, stops the
process with a :class:`~servicekit.config.ConfigError` naming the variable (and the choices).
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from typing import Any, ClassVar, Self, TypeVar

from servicekit.config import ConfigError, amqp_url, database_url, env_bool, env_float, env_int, env_str

DEFAULT_MAX_BODY_BYTES = 256 * 1024

T = TypeVar("T")
_MINIMUM, _DEFAULT_FROM = "servicekit.settings.minimum", "servicekit.settings.default_from"
_CHOICES = "servicekit.settings.choices"


def setting(default: T, *, minimum: float | None = None, default_from: Callable[[], T] | None = None,
            choices: tuple[T, ...] | None = None) -> T:
    """A field of a :class:`ServiceSettings` subclass that needs more than a default: a lower
    bound (``minimum``: a batch of 0 would never take anything), a default computed when the
    settings are read (``default_from``: a folder under ``var/``, which depends on
    ``ESTATEDESK_VAR``) or the only values it may take (``choices``: a misspelt ``refuse`` must
    not quietly act as something else). ``default`` is what the field holds when the settings are
    made in code (tests, :meth:`ServiceSettings.offline`)."""
    if choices is not None and default not in choices:
        raise TypeError(f"the default {default!r} is not one of the choices {choices!r}")
    return field(default=default, metadata={_MINIMUM: minimum, _DEFAULT_FROM: default_from, _CHOICES: choices})


@dataclass(frozen=True)
class ServiceSettings:
    database_url: str
    amqp_url: str
    port: int
    log_level: str
    max_body_bytes: int
    # How many proxies in front of the service set X-Forwarded-For (behind the front door, or called by
    # the gateway's pages on an owner's behalf: 1): the client's address (the audit, per-address limits)
    # is read through them. 0 believes no header: a client reaching the service directly could forge it.
    # (Keyword-only: a subclass's field without a default is still refused by own_fields, in its words.)
    trusted_proxies: int = field(default=0, kw_only=True)
    # A service whose requests are larger by nature (a notice's list of 100,000 households) raises it.
    default_max_body_bytes: ClassVar[int] = DEFAULT_MAX_BODY_BYTES

    @classmethod
    def from_env(cls, service: str, default_port: int) -> Self:
        """The settings of ``service`` from the environment, with defaults that work on one machine:
        the common ones, then the subclass's own fields (see the module's docstring)."""
        prefix = env_prefix(service)
        return cls(
            database_url=database_url(service),
            amqp_url=amqp_url(),
            port=env_int(f"{prefix}_PORT", default_port, minimum=1),
            log_level=env_str("LOG_LEVEL", "INFO"),
            max_body_bytes=env_int(f"{prefix}_MAX_BODY_BYTES", cls.default_max_body_bytes, minimum=1024),
            trusted_proxies=env_int(f"{prefix}_TRUSTED_PROXIES", 0, minimum=0),
            **{f.name: _from_env(f"{prefix}_{f.name.upper()}", f, kind) for f, kind in own_fields(cls)},
        )

    @classmethod
    def offline(cls) -> Self:
        """Settings of an app that touches no database or broker (to render its OpenAPI document)."""
        return cls(database_url="sqlite://", amqp_url="amqp://unused", port=0, log_level="WARNING",
                   max_body_bytes=DEFAULT_MAX_BODY_BYTES)


def env_prefix(service: str) -> str:
    """``owners`` -> ``OWNERS``: the prefix of a service's own environment variables."""
    return service.upper()


def own_fields(settings: type[ServiceSettings]) -> list[tuple[Field[Any], type]]:
    """The fields a subclass adds to :class:`ServiceSettings`, each with its type: what
    :meth:`ServiceSettings.from_env` reads by name. A field it could not read (no default, a type
    other than str, int, float or bool) is refused here, when the settings are first read, rather
    than silently left at its default."""
    common = {f.name for f in fields(ServiceSettings)}
    hints = typing.get_type_hints(settings)
    own = [(f, hints[f.name]) for f in fields(settings) if f.name not in common]
    for f, kind in own:
        if kind not in _READERS:
            raise TypeError(f"{settings.__name__}.{f.name}: a setting is a str, int, float or bool, not {kind}")
        if f.default is MISSING and f.metadata.get(_DEFAULT_FROM) is None:
            raise TypeError(f"{settings.__name__}.{f.name}: a setting needs a default")
    return own


def _from_env(name: str, f: Field[Any], kind: type) -> Any:
    default_from = f.metadata.get(_DEFAULT_FROM)
    default: Any = default_from() if default_from is not None else f.default  # never MISSING: own_fields
    minimum = f.metadata.get(_MINIMUM)
    if kind is int:
        value = env_int(name, default, minimum=minimum)
    elif kind is float:
        value = env_float(name, default, minimum=minimum)
    else:
        value = _READERS[kind](name, default)
    choices = f.metadata.get(_CHOICES)
    if choices is not None and value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(str(c) for c in choices)}, got {value!r}")
    return value


_READERS: dict[type, Callable[[str, Any], Any]] = {str: env_str, int: env_int, float: env_float, bool: env_bool}


# Where a service runs: "development" (`make run`, the tests) may keep a secret written in the
# repository; "production", any deployment, may not (:func:`require_own_secret`).
ENVIRONMENTS = ("development", "production")
MIN_SECRET = 16  # `openssl rand -hex 24` gives 48; fewer than 16 characters is a word someone chose


def require_own_secret(service: str, environment: str, field_name: str, value: str, development_value: str, *,
                       what: str = "secret", minimum: int = MIN_SECRET) -> None:
    """Stop a deployment (any ``environment`` but development) whose secret setting ``field_name`` is
    the development value written in the repository, or shorter than ``minimum``. The message names
    the variable (``<SERVICE>_<FIELD>``) and never quotes the secret."""
    prefix = env_prefix(service)
    if environment not in ENVIRONMENTS:
        raise ConfigError(f"{prefix}_ENVIRONMENT must be one of {', '.join(ENVIRONMENTS)}")
    if environment == "development":
        return
    name = f"{prefix}_{field_name.upper()}"
    if value == development_value:
        raise ConfigError(f"{name} is the development {what} written in the repository; set a {what} of this "
                          f"deployment's own (openssl rand -hex 24), or {prefix}_ENVIRONMENT=development on a "
                          "development machine")
    if len(value) < minimum:
        raise ConfigError(f"{name} must be at least {minimum} characters (openssl rand -hex 24)")
