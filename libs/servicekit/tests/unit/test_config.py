from __future__ import annotations

import pytest

from servicekit.config import ConfigError, database_url, env_bool, env_int


def test_env_readers_refuse_bad_values(monkeypatch):
    monkeypatch.setenv("X_INT", "twelve")
    with pytest.raises(ConfigError):
        env_int("X_INT", 1)
    monkeypatch.setenv("X_INT", "0")
    with pytest.raises(ConfigError):
        env_int("X_INT", 1, minimum=1)
    monkeypatch.setenv("X_BOOL", "perhaps")
    with pytest.raises(ConfigError):
        env_bool("X_BOOL", False)
    monkeypatch.setenv("X_BOOL", "yes")
    assert env_bool("X_BOOL", False) is True


def test_the_embedded_default_database_is_a_sqlite_file_under_var(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("ESTATEDESK_VAR", str(tmp_path))
    assert database_url("owners") == f"sqlite:///{tmp_path / 'owners.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/owners")
    assert database_url("owners") == "postgresql://db/owners"


def test_a_services_own_database_url_comes_before_the_shared_one(monkeypatch, tmp_path):
    monkeypatch.setenv("ESTATEDESK_VAR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/owners")
    monkeypatch.setenv("TICKETS_DATABASE_URL", "postgresql://db/tickets")
    assert database_url("tickets") == "postgresql://db/tickets"
    assert database_url("owners") == "postgresql://db/owners"
    monkeypatch.delenv("DATABASE_URL")
    assert database_url("owners") == f"sqlite:///{tmp_path / 'owners.sqlite3'}"
    monkeypatch.setenv("TICKETS_DATABASE_URL", " ")
    assert database_url("tickets") == f"sqlite:///{tmp_path / 'tickets.sqlite3'}"
