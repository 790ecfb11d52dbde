"""A deployment never keeps its signing keys under the passphrase written in the repository."""

from __future__ import annotations

import pytest

from gateway.settings import DEVELOPMENT_KEYS_PASSPHRASE, Settings
from servicekit.config import ConfigError


def _settings(**values) -> Settings:
    return Settings(database_url="sqlite://", amqp_url="amqp://unused", port=0, log_level="INFO",
                    max_body_bytes=1024, **values)


def test_a_deployment_with_the_repositorys_passphrase_does_not_start_and_the_message_never_quotes_it():
    with pytest.raises(ConfigError, match="GATEWAY_KEYS_PASSPHRASE") as refused:
        _settings().require_own_secrets()
    assert DEVELOPMENT_KEYS_PASSPHRASE not in str(refused.value)
    with pytest.raises(ConfigError, match="at least 16"):
        _settings(keys_passphrase="short").require_own_secrets()
    with pytest.raises(ConfigError, match="GATEWAY_ENVIRONMENT"):
        _settings(environment="staging").require_own_secrets()


def test_development_keeps_the_repositorys_passphrase_and_a_deployment_its_own():
    _settings(environment="development").require_own_secrets()
    _settings(keys_passphrase="a" * 48).require_own_secrets()
