"""docs/architecture.md stays true to the code: its modules exist, its table covers the package,
its layers are those of the import contract."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from conftest import REPO_ROOT

PACKAGE = REPO_ROOT / "bot" / "dgbot"
DOC = REPO_ROOT / "docs" / "architecture.md"
TEXT = DOC.read_text(encoding="utf-8")
CODE = re.compile(r"`([^`\n]+)`")
DOTTED = re.compile(r"dgbot(?:\.\w+)+|dgbot")
PATH = re.compile(r"[\w.*-]+(?:/[\w.*-]*)+")  # ci/run.py, store/migrations/, tests/security/


def section(heading: str) -> str:
    """The text under `## heading`, up to the next heading of that level."""
    start = TEXT.index(f"\n## {heading}\n")
    end = TEXT.find("\n## ", start + 1)
    return TEXT[start : end if end >= 0 else len(TEXT)]


def named(text: str) -> list[str]:
    """The dotted dgbot names in code spans: `dgbot.checks.formats`, `store.history.add_verdict`."""
    found = []
    for span in CODE.findall(text):
        if DOTTED.fullmatch(span):
            found.append(span)
        elif re.fullmatch(r"\w+(?:\.\w+)+", span) and (PACKAGE / span.split(".")[0]).is_dir():
            found.append(f"dgbot.{span}")  # a name relative to the package, as the flow text writes it
    return found


def module_file(parts: list[str]) -> Path | None:
    base = PACKAGE.parent.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def defines(source: Path, attributes: list[str]) -> bool:
    """Whether the module defines attributes[0] at its top level (attributes[1] inside that class)."""
    body: list[ast.stmt] = ast.parse(source.read_text(encoding="utf-8")).body
    for name in attributes:
        found = None
        for node in body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
                found = node
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                    found = node
        if found is None:
            return False
        body = found.body if isinstance(found, ast.ClassDef) else []
    return True


def resolves(dotted: str) -> bool:
    """A module or package of bot/dgbot, or a name one of them defines."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        source = module_file(parts[:cut])
        if source is not None:
            return cut == len(parts) or defines(source, parts[cut:])
    return False


def packages_and_top_modules() -> set[str]:
    found = {
        "dgbot." + ".".join(init.parent.relative_to(PACKAGE).parts)
        for init in PACKAGE.rglob("__init__.py")
        if init.parent != PACKAGE
    }
    found.update(f"dgbot.{path.stem}" for path in PACKAGE.glob("*.py") if not path.stem.startswith("__"))
    return found


def test_every_module_the_document_names_exists() -> None:
    gone = sorted(name for name in set(named(TEXT)) if not resolves(name))
    assert gone == [], f"docs/architecture.md names what bot/dgbot/ does not hold: {gone}"


def test_the_document_names_modules_at_all() -> None:
    assert len(set(named(section("Where each concern lives")))) > 100


def test_every_package_and_top_level_module_is_in_the_concern_table() -> None:
    table = set(named(section("Where each concern lives")))
    missing = sorted(packages_and_top_modules() - table)
    assert missing == [], f"add these to the table of docs/architecture.md: {missing}"


def test_every_path_the_document_names_exists() -> None:
    """A path of the repository (tests/security/) or of the package (ci/run.py, forges/github*.py)."""
    paths = {span for span in CODE.findall(TEXT) if PATH.fullmatch(span)}
    assert len(paths) > 10
    gone = sorted(p for p in paths if not any(any(root.glob(p.rstrip("/"))) for root in (REPO_ROOT, PACKAGE)))
    assert gone == [], f"docs/architecture.md names paths that do not exist: {gone}"


def test_the_layer_table_is_the_import_contract() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (layers,) = (c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    contract = [re.findall(r"\((\w+)\)", line) for line in layers["layers"]]
    rows = [line for line in section("Layers").splitlines() if re.match(r"\| \d+ \|", line)]
    table = [CODE.findall(row.split("|")[2]) for row in rows]
    assert table == contract, "the layer table of docs/architecture.md differs from pyproject.toml's contract"


def test_the_readme_development_section_points_into_the_repository() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    development = readme[readme.index("\n## Development\n") :]
    links = re.findall(r"\]\(([^)]+)\)", development)
    assert {"CONTRIBUTING.md", "docs/architecture.md"} <= set(links)
    assert all((REPO_ROOT / link).is_file() for link in links), links
    assert "DESIGN.md" not in readme
    contributing = (REPO_ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "docs/architecture.md" in contributing and "DESIGN.md" not in contributing
