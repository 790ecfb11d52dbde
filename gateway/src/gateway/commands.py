"""The gateway's own sub-commands, beside the standard ones of servicekit.cli: ``keys``."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from servicekit.config import ConfigError
from servicekit.demo import demo_command
from servicekit.service import Command


def _keys(service: Any, settings: Any, args: argparse.Namespace) -> int:
    from sqlalchemy.orm import sessionmaker

    from gateway.keys import use_cases, views
    from servicekit.db import make_engine

    if args.action != "list":
        try:
            settings.require_own_secrets()  # the new key is stored under the passphrase
        except ConfigError as exc:
            print(f"gateway keys: {exc}", file=sys.stderr)
            return 2
    engine = make_engine(settings.database_url)
    sessions = sessionmaker(engine, expire_on_commit=False)
    try:
        if args.action == "ensure":
            made = use_cases.ensure_key(service.unit_of_work(sessions), settings)
            print(f"made the first signing key {made['kid']}" if made else "a signing key is there")
        elif args.action == "rotate":
            made = use_cases.rotate(service.unit_of_work(sessions), settings)
            print(f"made key {made['kid']}: published now, signing from {made['signs_from'].isoformat()}")
        with sessions() as session:
            for key in views.key_list(session, timedelta(seconds=settings.access_token_seconds)):
                print(f"{key['kid']}  {key['state']:<9}  signs from {key['signs_from'].isoformat()}"
                      + (f"  until {key['retired_at'].isoformat()}" if key["retired_at"] else ""))
    finally:
        engine.dispose()
    return 0


def _keys_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=("ensure", "rotate", "list"),
                        help="ensure: make the first key if none signs (once per deployment); rotate: a new key, "
                             "published now, signing after GATEWAY_KEY_PUBLISH_SECONDS; list: the keys")


def _edge(service: Any, settings: Any, args: argparse.Namespace) -> int:
    import os
    import shutil

    from gateway.edge import deployments, nginx
    from gateway.edge.route_table import ROUTES
    from servicekit.config import var_dir

    if args.render:
        print({"kubernetes": deployments.kubernetes_yaml, "compose": deployments.compose_upstreams,
               "kubernetes-upstreams": deployments.kubernetes_upstreams}[args.render]().rstrip("\n"))
        return 0
    edge = nginx.Edge(
        host=settings.edge_host, port=settings.edge_port,
        cors_origins=tuple(o.strip() for o in settings.edge_cors_origins.split(",") if o.strip()),
        rate=f"{settings.edge_rate_per_second}r/s", burst=settings.edge_burst,
        connect_timeout_seconds=settings.edge_connect_timeout_seconds,
        read_timeout_seconds=settings.edge_read_timeout_seconds, workers=settings.edge_workers,
        rate_store=settings.edge_rate_store or None,
        upstreams=settings.upstreams({r.service: r.port for r in ROUTES}))
    folder = Path(args.dir) if args.dir else var_dir() / "edge"
    as_root = os.geteuid() == 0
    try:
        conf = nginx.write(edge, folder.resolve(), as_root=as_root)
    except ValueError as wrong:  # a setting nginx cannot be given (GATEWAY_EDGE_RATE_STORE)
        print(f"gateway edge: {wrong}", file=sys.stderr)
        return 2
    command = [shutil.which("nginx") or "/usr/sbin/nginx", "-p", str(folder.resolve()), "-c", str(conf),
               "-e", "stderr", "-g", "daemon off;"]
    if not args.run:
        print(conf)
        return 0
    if not Path(command[0]).exists():
        print("gateway edge: nginx is not installed (deploy/scripts/ensure-servers.sh nginx installs it)",
              file=sys.stderr)
        return 2
    print(f"the front door: http://{settings.edge_host}:{settings.edge_port}/ (nginx, {conf})", flush=True)
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


def _edge_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dir", help="where the configuration, pid file and temporary files go (var/edge)")
    parser.add_argument("--run", action="store_true", help="then run nginx in the foreground on it")
    parser.add_argument("--render", choices=("kubernetes", "compose", "kubernetes-upstreams"),
                        help="print the route table as Kubernetes' HTTPRoute (deploy/k8s/gateway/routes.yaml), or "
                             "the door's upstreams under docker-compose or Kubernetes (GATEWAY_EDGE_UPSTREAMS)")


EDGE = Command("edge", "render the front door's nginx configuration from the route table (--run: and run nginx)",
               _edge, _edge_arguments)
KEYS = Command("keys", "the keys that sign tokens: ensure (once per deployment), rotate, list", _keys,
               _keys_arguments)
LOAD_DEMO = demo_command("gateway.demo:DEMO", "make the demo accounts (one per role) and print how to sign in")
COMMANDS = (KEYS, EDGE, LOAD_DEMO)
