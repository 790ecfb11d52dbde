"""Every service keeps the one shape of docs/new-service.md, read from its source (nothing runs).

What is checked is what a newcomer relies on to find a behaviour in two hops, and what merged
branches used to leave behind: the service-wide files at the root, the same four names in every
area, no SQL in routes, no import circles, no module looked up by name, no swallowed import error,
and every problem answer a user can cause said in English and in Chinese.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Every app made with servicekit's skeleton: each service under services/, and the gateway at the
# top level (the suite's layout puts it there), each by the folder holding its pyproject.toml.
FOLDERS = {p.parent.name: p.parent for p in [*(ROOT / "services").glob("*/pyproject.toml"),
                                             *ROOT.glob("gateway/pyproject.toml")]}
SERVICES = sorted(FOLDERS)
ROOT_FILES = {"service.py", "tables.py", "events.py", "api.py", "app.py", "cli.py"}
AREA_FILES = {"use_cases.py", "views.py", "api.py", "schemas.py"}
NOT_AREAS = {"domain", "migrations", "__pycache__"}
# Folder and file names that say nothing of the domain, or name a layer instead of an area.
VAGUE = {"adapters", "service_layer", "utils", "helpers", "common", "misc", "routes.py", "utils.py", "helpers.py"}
SQL_NAMES = {"select", "insert", "update", "delete", "text", "func", "and_", "or_", "exists"}


def package(service: str) -> Path:
    return FOLDERS[service] / "src" / service


def sources(service: str) -> Iterator[Path]:
    yield from (p for p in package(service).rglob("*.py") if "migrations" not in p.parts)


def areas(service: str) -> list[Path]:
    return sorted(p for p in package(service).iterdir() if p.is_dir() and p.name not in NOT_AREAS)


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}"


@pytest.mark.parametrize("service", SERVICES)
def test_the_service_wide_files_are_at_its_root(service):
    present = {p.name for p in package(service).glob("*.py")}
    assert ROOT_FILES <= present, f"{service} lacks {sorted(ROOT_FILES - present)} at its root"
    assert isinstance(importlib.import_module(f"{service}.events").EVENT_TYPES, tuple)
    assert importlib.import_module(f"{service}.api").BLUEPRINTS
    assert importlib.import_module(f"{service}.service").SERVICE.blueprints == f"{service}.api:BLUEPRINTS"


@pytest.mark.parametrize("service", SERVICES)
def test_every_area_that_has_an_api_has_the_same_four_names(service):
    for area in areas(service):
        names = {p.name for p in area.glob("*.py")}
        assert (area / "__init__.py").exists(), f"{area.relative_to(ROOT)} is not a package"
        if "api.py" in names or (area / "api").is_dir():
            missing = {n for n in AREA_FILES if n not in names and not (area / n.removesuffix(".py")).is_dir()}
            # An area may have nothing to read or nothing to write: the names it has are these.
            assert not missing - {"views.py", "use_cases.py"}, f"{area.relative_to(ROOT)} lacks {sorted(missing)}"
            assert names & {"views.py", "use_cases.py"} or (area / "use_cases").is_dir(), area


@pytest.mark.parametrize("service", SERVICES)
def test_no_folder_or_file_is_named_for_a_layer_or_nothing(service):
    vague = [str(p.relative_to(ROOT)) for p in package(service).rglob("*") if p.name in VAGUE]
    assert vague == []


@pytest.mark.parametrize("service", SERVICES)
def test_routes_hold_no_sql(service):
    found = []
    for path in sources(service):
        if path.name != "api.py" and "api" not in path.relative_to(package(service)).parts[:-1]:
            continue
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sqlalchemy"):
                used = {alias.name for alias in node.names} & SQL_NAMES
                if used:
                    found.append(f"{where(path, node)} imports {sorted(used)}")
    assert found == []


@pytest.mark.parametrize("service", SERVICES)
def test_nothing_is_looked_up_by_name_and_no_import_error_is_swallowed(service):
    found = []
    for path in sources(service):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.Import | ast.ImportFrom):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
                if "importlib" in names:
                    found.append(f"{where(path, node)} imports importlib")
            if isinstance(node, ast.ExceptHandler) and node.type is not None:
                caught = ast.unparse(node.type)
                if "ModuleNotFoundError" in caught or "ImportError" in caught:
                    found.append(f"{where(path, node)} catches {caught}")
    assert found == []


def _imports(path: Path, service: str) -> set[str]:
    """The modules of ``service`` that ``path`` imports, inside functions too: an import moved into a
    function to dodge a circle is still a circle. What a ``TYPE_CHECKING`` block imports never runs."""
    module = tree(path)
    skipped = {id(n) for block in ast.walk(module) if isinstance(block, ast.If) and "TYPE_CHECKING" in
               ast.unparse(block.test) for n in ast.walk(block)}
    imported: set[str] = set()
    for node in ast.walk(module):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == service:
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                imported.add(candidate if _module_path(candidate).exists() else node.module)
        elif isinstance(node, ast.Import):
            imported |= {a.name for a in node.names if a.name.split(".")[0] == service}
    return imported


def _module_path(name: str) -> Path:
    service, *rest = name.split(".")
    base = package(service).joinpath(*rest)
    return base / "__init__.py" if base.is_dir() else base.with_suffix(".py")


def _name_of(path: Path, service: str) -> str:
    relative = path.relative_to(package(service).parent).with_suffix("")
    parts = relative.parts[:-1] if relative.name == "__init__" else relative.parts
    return ".".join(parts)


@pytest.mark.parametrize("service", SERVICES)
def test_no_module_imports_one_that_imports_it_back(service):
    graph = {_name_of(p, service): _imports(p, service) for p in sources(service)}
    circles: set[tuple[str, ...]] = set()

    def walk(name: str, trail: list[str]) -> None:
        for target in sorted(graph.get(name, ())):
            if target in trail:
                circle = trail[trail.index(target):]
                first = circle.index(min(circle))  # each circle once, from its smallest module
                circles.add(tuple(circle[first:] + circle[:first]))
            elif target not in done:
                walk(target, [*trail, target])
        done.add(name)

    done: set[str] = set()
    for start in sorted(graph):
        if start not in done:
            walk(start, [start])
    assert sorted(circles) == []


def _domain_error_names(service: str) -> set[str]:
    """The domain errors of servicekit.errors and every subclass a service declares of them."""
    names = {"NotFound", "Conflict", "Invalid", "DomainError", "TooMany", "Unauthenticated"}
    classes = [node for path in sources(service) for node in ast.walk(tree(path)) if isinstance(node, ast.ClassDef)]
    grew = True
    while grew:
        before = len(names)
        names |= {c.name for c in classes if any(ast.unparse(b).split(".")[-1] in names for b in c.bases)}
        grew = len(names) > before
    return names


@pytest.mark.parametrize("service", SERVICES)
def test_every_problem_a_user_can_cause_is_said_in_english_and_chinese(service):
    kinds, found = _domain_error_names(service), []
    for path in sources(service):
        for node in ast.walk(tree(path)):
            if isinstance(node, ast.ImportFrom) and node.module == "flask_smorest" and any(
                    a.name == "abort" for a in node.names):
                found.append(f"{where(path, node)} imports flask_smorest.abort (use servicekit.web.refuse)")
            if not isinstance(node, ast.Call):
                continue
            name = ast.unparse(node.func).split(".")[-1]
            texts = {"refuse": slice(1, 3)}.get(name, slice(0, 2) if name in kinds else None)
            if texts is None or any(isinstance(a, ast.Starred) for a in node.args):
                continue
            said = node.args[texts]
            if len(said) < 2 or not _has_chinese(said[1]):
                found.append(f"{where(path, node)} {name}(...) without its Chinese text")
    assert found == []


def _has_chinese(node: ast.expr) -> bool:
    text = ast.unparse(node)
    return any("\u4e00" <= ch <= "\u9fff" for ch in text) or not isinstance(node, ast.Constant | ast.JoinedStr)


@pytest.mark.parametrize("service", SERVICES)
def test_the_tests_say_what_they_are_by_their_folder(service):
    tests = FOLDERS[service] / "tests"
    marked = [str(p.relative_to(ROOT)) for p in tests.rglob("test_*.py")
              if "pytest.mark.integration" in p.read_text(encoding="utf-8")]
    loose = [str(p.relative_to(ROOT)) for p in tests.rglob("test_*.py")
             if not {"unit", "integration"} & set(p.relative_to(tests).parts[:-1])]
    assert (marked, loose) == ([], [])


def test_every_requirement_the_code_cites_is_in_the_repository():
    cited = re.compile(r"\b(?:OWN|TKT|NTF|SRV|GW|X)-\d+\b")
    documented = set(cited.findall((ROOT / "docs" / "requirements.md").read_text(encoding="utf-8")))
    places = [*(ROOT / "services").rglob("*.py"), *(ROOT / "libs").rglob("*.py"), *(ROOT / "tests").rglob("*.py"),
              *(ROOT / "gateway").rglob("*.py")]
    missing = {f"{p.relative_to(ROOT)}: {id_}" for p in places if ".venv" not in p.parts
               for id_ in cited.findall(p.read_text(encoding="utf-8")) if id_ not in documented}
    assert sorted(missing) == []


def test_no_service_imports_the_gateway_and_the_gateway_imports_no_service():
    """The gateway knows the services by their HTTP paths and events only, and they know it by its
    tokens and JWKS only: either could be deployed, or moved to a repository of its own, alone."""
    services = {name for name in SERVICES if name != "gateway"}
    found = []
    for name in SERVICES:
        forbidden = services if name == "gateway" else {"gateway"}
        for path in (FOLDERS[name]).rglob("*.py"):
            for node in ast.walk(tree(path)):
                modules = ([a.name for a in node.names] if isinstance(node, ast.Import)
                           else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
                found += [f"{where(path, node)} imports {m}" for m in modules if m.split(".")[0] in forbidden]
    assert found == []
