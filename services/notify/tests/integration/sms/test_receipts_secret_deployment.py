"""Issue 16: notify-web as gunicorn starts it (``notify.app:create_app()``, settings from the
environment) does not start with the repository's receipts secret outside development, starts with
its own, and `make run` and docker-compose each start theirs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from notify.app import create_app
from notify.settings import DEVELOPMENT_RECEIPTS_TOKEN
from servicekit.config import ConfigError
from servicekit.tokens import generate_keypair

ROOT = Path(__file__).resolve().parents[5]


@pytest.fixture
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'notify.sqlite3'}")
    monkeypatch.setenv("JWT_PUBLIC_KEY", generate_keypair()[1])
    monkeypatch.delenv("NOTIFY_ENVIRONMENT", raising=False)
    monkeypatch.delenv("NOTIFY_RECEIPTS_TOKEN", raising=False)
    return monkeypatch


def test_the_web_does_not_start_without_its_own_secret(environment):
    with pytest.raises(ConfigError, match="NOTIFY_RECEIPTS_TOKEN"):
        create_app()
    environment.setenv("NOTIFY_RECEIPTS_TOKEN", "a1b2c3d4e5f60718293a4b5c6d7e8f90")
    served = create_app().test_client()
    # The right secret reaches the callback (an empty list is no receipt: 400); another is a 404.
    assert served.post("/api/v1/receipts/aliyun/a1b2c3d4e5f60718293a4b5c6d7e8f90", json=[]).status_code == 400
    assert served.post(f"/api/v1/receipts/aliyun/{DEVELOPMENT_RECEIPTS_TOKEN}", json=[]).status_code == 404


def test_a_development_machine_keeps_the_repository_s_secret(environment):
    environment.setenv("NOTIFY_ENVIRONMENT", "development")
    served = create_app().test_client()
    assert served.post(f"/api/v1/receipts/aliyun/{DEVELOPMENT_RECEIPTS_TOKEN}", json=[]).status_code == 400


def test_make_run_is_development_and_compose_has_its_own_secret():
    run_local = (ROOT / "deploy" / "scripts" / "run-local.sh").read_text(encoding="utf-8")
    assert re.search(r'^export NOTIFY_ENVIRONMENT="\$\{NOTIFY_ENVIRONMENT:-development\}"$', run_local, re.M)
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    token = compose["services"]["notify-web"]["environment"]["NOTIFY_RECEIPTS_TOKEN"]
    assert DEVELOPMENT_RECEIPTS_TOKEN not in token
    assert "NOTIFY_ENVIRONMENT" not in compose["services"]["notify-web"]["environment"]  # compose is checked
    default = re.fullmatch(r"\$\{NOTIFY_RECEIPTS_TOKEN:-([^}]+)\}", token)
    assert default and len(default.group(1)) >= 16
