"""The owners service's own sub-commands, beside the standard ones of servicekit.cli."""

from __future__ import annotations

import argparse
from typing import Any

from servicekit.service import Command, Service


def _load_demo(_service: Service, settings: Any, _args: argparse.Namespace) -> int:
    from owners.demo import load_demo

    return load_demo(settings)


def _import_households(_service: Service, settings: Any, args: argparse.Namespace) -> int:
    from owners.household_imports.command import import_households_cli

    return import_households_cli(settings, args.estate_code, args.csv_file, skip_bad_rows=args.skip_bad_rows)


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("estate_code")
    parser.add_argument("csv_file")
    parser.add_argument("--skip-bad-rows", action="store_true")


LOAD_DEMO = Command("load-demo", "load the demo estate (idempotent)", _load_demo)
IMPORT_HOUSEHOLDS = Command("import-households", "import households from CSV", _import_households, _import_arguments)
