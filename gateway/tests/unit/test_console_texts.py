"""The console's phrases: each key said once (an area's dictionary never silently overrides
another's), in both languages, and every phrase a page or route names by a literal key exists."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.console import texts

CONSOLE = Path(texts.__file__).parent
AREAS = ("FRAME", "VOCABULARY", "QUEUE", "TICKET", "NOTICES", "SURVEYS", "DESK")
NAMED = re.compile(r"""\b(?:t|refusal)\(\s*["']([a-z0-9_]+)["']\s*\)""")


def test_each_key_is_said_once_in_both_languages() -> None:
    owners: dict[str, str] = {}
    for area in AREAS:
        for key, (zh, en) in getattr(texts, area).items():
            assert key not in owners, f"{key} is in {owners.get(key)} and {area}"
            owners[key] = area
            assert zh.strip() and en.strip(), key
    assert set(owners) == set(texts.TEXTS)


def test_every_phrase_named_by_a_page_or_a_route_exists() -> None:
    missing = set()
    for path in [*CONSOLE.glob("*.py"), *CONSOLE.glob("templates/console/*.html")]:
        if path.name == "texts.py":
            continue
        for key in NAMED.findall(path.read_text()):
            if key not in texts.TEXTS and key not in texts.REFUSALS:
                missing.add(f"{path.name}: {key}")
    assert not missing, sorted(missing)
