"""The gateway's own sub-commands, beside the standard ones of servicekit.cli: ``keys``."""

from __future__ import annotations

import argparse
import sys
from datetime import timedelta
from typing import Any

from servicekit.config import ConfigError
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


KEYS = Command("keys", "the keys that sign tokens: ensure (once per deployment), rotate, list", _keys,
               _keys_arguments)
COMMANDS = (KEYS,)
