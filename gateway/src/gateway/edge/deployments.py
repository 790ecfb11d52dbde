"""The route table rendered for Kubernetes and docker-compose (nginx's rendering is gateway.edge.nginx).

Kubernetes: a Gateway API ``HTTPRoute`` (``deploy/k8s/gateway/routes.yaml``) attached to the
cluster's Gateway (``estatedesk``; its class and TLS are the cluster's). It lets in exactly the
front door's paths -- each route's prefix and each root path, nothing else -- and sends them to the
``gateway-edge`` replicas, the same nginx as under ``make run`` (rendered from this table when each
starts), which route each prefix to its service and do what Gateway API's core cannot say: the
per-caller limit shared by every replica, body limits per route, CORS, request ids, the bilingual
problem answers, no ``/metrics``. So the cluster's proxy and nginx agree on one table, and no path
reaches a service around the door's limits.

Both: where the door finds each service (``GATEWAY_EDGE_UPSTREAMS``) -- the compose service
``<service>-web`` or the Kubernetes Service ``<service>`` on the route's port.

``gateway edge --render kubernetes|compose|kubernetes-upstreams`` prints them;
``gateway/tests/unit/test_edge_deployments.py`` checks the files in ``deploy/`` and
``docker-compose.yml`` are what the table renders.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from gateway.edge.route_table import ROOT_PATHS, ROOT_PREFIXES, ROUTES, Route

GATEWAY = "estatedesk"  # the cluster's Gateway the route attaches to
EDGE_SERVICE, EDGE_PORT = "gateway-edge", 80  # the Kubernetes Service of the door's replicas


def http_route(routes: tuple[Route, ...] = ROUTES, root_paths: Mapping[str, tuple[str, str]] = ROOT_PATHS,
               root_prefixes: Mapping[str, Any] = ROOT_PREFIXES) -> dict[str, Any]:
    """The HTTPRoute: one rule per route prefix and root prefix (PathPrefix, as nginx's ``location
    /prefix/``) and per root path (Exact, as ``location = /path``), each to the door's replicas."""
    def rule(kind: str, path: str) -> dict[str, Any]:
        return {"matches": [{"path": {"type": kind, "value": path}}],
                "backendRefs": [{"name": EDGE_SERVICE, "port": EDGE_PORT}]}

    rules = [rule("PathPrefix", route.prefix.rstrip("/")) for route in routes]
    rules += [rule("Exact", path) for path in root_paths]
    rules += [rule("PathPrefix", prefix.rstrip("/")) for prefix in root_prefixes]
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "estatedesk", "labels": {"app.kubernetes.io/component": "edge"}},
            "spec": {"parentRefs": [{"name": GATEWAY}], "rules": rules}}


def kubernetes_yaml() -> str:
    return ("# Rendered from gateway/src/gateway/edge/route_table.py by `gateway edge --render kubernetes`:\n"
            "# do not edit; change the route table and render again (gateway/tests/unit/test_edge_deployments.py).\n"
            + yaml.safe_dump(http_route(), sort_keys=False, allow_unicode=True))


def upstreams(address: str, routes: tuple[Route, ...] = ROUTES) -> str:
    """``GATEWAY_EDGE_UPSTREAMS`` where each service answers at ``address`` (``"{service}-web"``)."""
    return ",".join(f"{route.service}={address.format(service=route.service)}:{route.port}" for route in routes)


def compose_upstreams() -> str:
    return upstreams("{service}-web")


def kubernetes_upstreams() -> str:
    return upstreams("{service}")
