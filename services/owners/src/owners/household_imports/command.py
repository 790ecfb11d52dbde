"""``owners import-households ESTATE_CODE FILE [--skip-bad-rows]``: the household import from a shell.

Exit status: 0 imported, 1 nothing imported (bad rows or an unreadable file, each reported on
stderr with its line number), 2 no such estate or file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from owners.domain.errors import DomainError
from owners.domain.households import BadRow
from owners.household_imports.use_cases import ImportReport, import_households
from owners.settings import Settings
from owners.tables import estates
from servicekit.db import make_engine
from servicekit.service import Command, Service
from servicekit.unit_of_work import UnitOfWork


def import_households_cli(service: Service, settings: Settings, estate_code: str, csv_file: str, *,
                          skip_bad_rows: bool = False) -> int:
    """Import ``csv_file`` (``-`` for stdin) into the estate with ``estate_code``; returns the exit status."""
    engine = make_engine(settings.database_url)
    try:
        sessions = sessionmaker(engine, expire_on_commit=False)
        estate_id = _estate_id(service.unit_of_work(sessions), estate_code)
        if estate_id is None:
            print(f"no estate with code {estate_code!r}", file=sys.stderr)
            return 2
        data = _read(csv_file)
        if data is None:
            return 2
        try:
            report = import_households(service.unit_of_work(sessions), estate_id, data, skip_bad_rows=skip_bad_rows)
        except DomainError as exc:
            _print_bad_rows(exc.errors)
            print(f"{exc}", file=sys.stderr)
            return 1
        _print_report(estate_code, report)
        return 0
    finally:
        engine.dispose()


def _estate_id(uow: UnitOfWork, code: str) -> UUID | None:
    with uow:
        return uow.execute(select(estates.c.id).where(estates.c.code == code)).scalar()


def _read(csv_file: str) -> bytes | None:
    if csv_file == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(csv_file).read_bytes()
    except OSError as exc:
        print(f"cannot read {csv_file}: {exc.strerror}", file=sys.stderr)
        return None


def _print_bad_rows(errors: dict | None) -> None:
    for row in (errors or {}).get("rows", []):
        _print_bad_row(BadRow(row["line"], row["errors"]))


def _print_bad_row(row: BadRow) -> None:
    for field, messages in row.errors.items():
        print(f"line {row.line}: {field}: {'; '.join(messages)}", file=sys.stderr)


def _print_report(estate_code: str, report: ImportReport) -> None:
    for row in report.bad_rows:
        _print_bad_row(row)
    print(f"imported {report.imported_rows} of {report.rows} rows into {estate_code}: "
          f"{report.buildings_added} buildings, {report.units_added} units, {report.people_registered} people, "
          f"{report.moved_in} move-ins, {report.contact_lists_changed} contact lists set, "
          f"{report.companies_added} companies added, {report.companies_changed} changed; "
          f"{report.unchanged_rows} rows already recorded, {len(report.bad_rows)} bad rows skipped; "
          f"{report.events} events")


def _run(service: Service, settings: Settings, args: argparse.Namespace) -> int:
    return import_households_cli(service, settings, args.estate_code, args.csv_file, skip_bad_rows=args.skip_bad_rows)


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("estate_code")
    parser.add_argument("csv_file")
    parser.add_argument("--skip-bad-rows", action="store_true")


IMPORT_HOUSEHOLDS = Command("import-households", "import households from CSV", _run, _arguments)
