"""Every CSV or XLSX file a service writes goes through servicekit.spreadsheet (issue 7).

services/owners/tests/integration/test_formula_cells.py shows the other half: the household import
keeps what it is given (a name starting with '=', a '+86' mobile), and an export neutralises it."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter\(|openpyxl|xlsxwriter|\.to_csv\(|\.to_excel\(")
# Files that write a CSV for the importer, not for people to open: neutralising would change the data.
NOT_EXPORTS = {
    "services/owners/src/owners/demo.py": "writes the demo estate as a household CSV for the owners importer",
    "libs/servicekit/src/servicekit/spreadsheet.py": "the rule itself",
}


def test_every_spreadsheet_writer_is_the_servicekit_one():
    offenders = []
    for source in [*ROOT.glob("services/*/src/**/*.py"), *ROOT.glob("libs/*/src/**/*.py")]:
        relative = source.relative_to(ROOT).as_posix()
        if relative not in NOT_EXPORTS and WRITERS.search(source.read_text(encoding="utf-8")):
            offenders.append(relative)
    assert not offenders, f"write exports with servicekit.spreadsheet (safe_row / write_csv): {offenders}"
