"""Issue 16: the receipts callback's development secret (written in the repository) opens it in
development only; a deployment without a secret of its own does not start (Settings.require_own_secrets,
called when notify-web reads its settings from the environment)."""

import pytest

from notify.service import SERVICE
from notify.settings import DEVELOPMENT_RECEIPTS_TOKEN, Settings
from servicekit.config import ConfigError

OWN = "9f2c4be17d0a4c55b3e8e61f0c2d7a31"


def _settings(monkeypatch, **env: str) -> Settings:
    for name in ("NOTIFY_ENVIRONMENT", "NOTIFY_RECEIPTS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return SERVICE.load_settings()


def test_a_deployment_without_its_own_secret_is_refused(monkeypatch):
    for env in ({}, {"NOTIFY_RECEIPTS_TOKEN": DEVELOPMENT_RECEIPTS_TOKEN},
                {"NOTIFY_ENVIRONMENT": "production", "NOTIFY_RECEIPTS_TOKEN": DEVELOPMENT_RECEIPTS_TOKEN}):
        with pytest.raises(ConfigError, match="NOTIFY_RECEIPTS_TOKEN") as refused:
            _settings(monkeypatch, **env).require_own_secrets()
        assert DEVELOPMENT_RECEIPTS_TOKEN not in str(refused.value)  # the secret is never quoted


def test_a_short_secret_is_refused_and_an_own_one_taken(monkeypatch):
    with pytest.raises(ConfigError, match="at least 16"):
        _settings(monkeypatch, NOTIFY_RECEIPTS_TOKEN="secret").require_own_secrets()
    _settings(monkeypatch, NOTIFY_RECEIPTS_TOKEN=OWN).require_own_secrets()


def test_development_keeps_the_repository_s_secret(monkeypatch):
    settings = _settings(monkeypatch, NOTIFY_ENVIRONMENT="development")
    assert settings.receipts_token == DEVELOPMENT_RECEIPTS_TOKEN
    settings.require_own_secrets()


def test_an_unknown_environment_is_refused(monkeypatch):
    with pytest.raises(ConfigError, match="NOTIFY_ENVIRONMENT"):
        _settings(monkeypatch, NOTIFY_ENVIRONMENT="dev", NOTIFY_RECEIPTS_TOKEN=OWN).require_own_secrets()
