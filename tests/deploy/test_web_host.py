"""Under `make run` the web servers listen on 127.0.0.1 unless told otherwise; containers and
Kubernetes, where other hosts must reach them, set 0.0.0.0 explicitly (issue 15: `make run` offered
the APIs to the whole network)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from servicekit.gunicorn_hooks import bind_and_workers

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml"))


@pytest.mark.parametrize("service", SERVICES)
def test_a_web_server_listens_on_this_machine_only_unless_told(service, monkeypatch):
    prefix = service.upper()
    for name in (f"{prefix}_WEB_HOST", f"{prefix}_PORT", f"{prefix}_WEB_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    assert bind_and_workers(service, 8001) == ("127.0.0.1:8001", 2)
    monkeypatch.setenv(f"{prefix}_WEB_HOST", "0.0.0.0")
    monkeypatch.setenv(f"{prefix}_PORT", "9001")
    assert bind_and_workers(service, 8001)[0] == "0.0.0.0:9001"


def test_make_run_does_not_open_the_web_servers_to_the_network():
    procfile = (ROOT / "deploy" / "Procfile").read_text(encoding="utf-8")
    run_local = (ROOT / "deploy" / "scripts" / "run-local.sh").read_text(encoding="utf-8")
    web = [line for line in procfile.splitlines() if "gunicorn" in line and not line.startswith("#")]
    assert web and not [line for line in web if "0.0.0.0" in line or "--bind" in line or "_WEB_HOST=" in line]
    assert not re.search(r"^\s*(export\s+)?[A-Z]+_WEB_HOST=", run_local, re.MULTILINE)


@pytest.mark.parametrize("service", SERVICES)
def test_compose_and_kubernetes_set_0_0_0_0_explicitly(service):
    variable = f"{service.upper()}_WEB_HOST"
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert str(compose["services"][f"{service}-web"]["environment"].get(variable)) == "0.0.0.0"
    config = yaml.safe_load((ROOT / "deploy" / "k8s" / service / "configmap.yaml").read_text(encoding="utf-8"))
    assert config["data"].get(variable) == "0.0.0.0"
