"""The route table rendered for Kubernetes (a Gateway API HTTPRoute) and docker-compose agrees with the
nginx configuration rendered from it, and the files in deploy/ and docker-compose.yml are what the
table renders (a route added to the table fails here until they are rendered again)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from gateway.edge import deployments, nginx
from gateway.edge.route_table import ROOT_PATHS, ROOT_PREFIXES, ROUTES

ROOT = Path(__file__).resolve().parents[3]
VAR = Path("/srv/edge")


def _nginx_locations() -> tuple[set[str], set[str]]:
    """The prefixes nginx proxies (``location /x/ {``) and the exact paths it proxies
    (``location = /p {``); its one-line refusals (``/x/metrics``, ``/``) proxy nothing."""
    prefixes, exact, opened, body = set(), set(), None, []
    for line in nginx.render(nginx.Edge(), VAR).splitlines():
        found = re.fullmatch(r" {8}location (= )?(/\S*) \{", line)
        if found:
            opened, body = found, []
        elif opened and line == " " * 8 + "}":
            if any("proxy_pass" in b for b in body):
                (exact if opened.group(1) else prefixes).add(opened.group(2))
            opened = None
        elif opened:
            body.append(line)
    return prefixes, exact


def test_the_http_route_lets_in_exactly_the_paths_nginx_proxies_and_sends_them_to_the_door():
    route = deployments.http_route()
    matches = [(m["path"]["type"], m["path"]["value"]) for rule in route["spec"]["rules"] for m in rule["matches"]]
    prefixes, exact = _nginx_locations()
    assert {value + "/" for kind, value in matches if kind == "PathPrefix"} == prefixes == (
        {r.prefix for r in ROUTES} | set(ROOT_PREFIXES))
    assert {value for kind, value in matches if kind == "Exact"} == exact == set(ROOT_PATHS)
    assert len(matches) == len(ROUTES) + len(ROOT_PATHS) + len(ROOT_PREFIXES)
    for rule in route["spec"]["rules"]:
        assert rule["backendRefs"] == [{"name": "gateway-edge", "port": 80}]


def test_the_kubernetes_files_are_what_the_route_table_renders():
    assert (ROOT / "deploy/k8s/gateway/routes.yaml").read_text() == deployments.kubernetes_yaml()
    edge = list(yaml.safe_load_all((ROOT / "deploy/k8s/gateway/edge.yaml").read_text()))
    service = next(d for d in edge if d["kind"] == "Service")
    assert service["metadata"]["name"] == deployments.EDGE_SERVICE
    assert [p["port"] for p in service["spec"]["ports"]] == [deployments.EDGE_PORT]
    assert "routes.yaml" in yaml.safe_load((ROOT / "deploy/k8s/gateway/kustomization.yaml").read_text())["resources"]
    config = yaml.safe_load((ROOT / "deploy/k8s/gateway/configmap.yaml").read_text())["data"]
    assert config["GATEWAY_EDGE_UPSTREAMS"] == deployments.kubernetes_upstreams()
    services = {d["metadata"]["name"]: d for path in (ROOT / "deploy/k8s").glob("*/web.yaml")
                for d in yaml.safe_load_all(path.read_text()) if d and d["kind"] == "Service"}
    for route in ROUTES:  # each upstream is a Service of the cluster on the route's port
        assert route.port in [p["port"] for p in services[route.service]["spec"]["ports"]], route


def test_compose_reaches_every_route_s_service_as_the_route_table_says():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["gateway-edge"]["environment"]
    assert environment["GATEWAY_EDGE_UPSTREAMS"] == deployments.compose_upstreams()
    assert environment["GATEWAY_EDGE_RATE_STORE"].startswith("redis://redis:")
    for route in ROUTES:
        assert f"{route.service}-web" in compose["services"], route
