"""The package's wings depend downwards only (issue 8): read every import and check the arrows.

Rank, lowest first: core (errors, schema, io, metrics, dates, columns, __init__) < sources <
accounts < training, posts < ops < faces (cli, engine). ``training`` and ``posts`` sit side by side
and must not import each other. Imports under ``if TYPE_CHECKING:`` count too: a type-only arrow
that points up is still a wrong-way dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "detector"

WINGS = {"sources": 1, "accounts": 2, "training": 3, "posts": 3, "ops": 4}
FACES = {"cli", "engine"}
SIDE_BY_SIDE = {frozenset({"training", "posts"})}


def wing_of(module: str) -> tuple[str, int]:
    """``("core", 0)`` for detector.errors etc., ``("accounts", 2)`` for detector.accounts.model."""
    parts = module.split(".")
    assert parts[0] == "detector", module
    if len(parts) == 1:
        return "core", 0
    head = parts[1]
    if head in WINGS:
        return head, WINGS[head]
    if head in FACES:
        return "faces", 9
    return "core", 0


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def detector_imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative import: resolve against this module's package
                base = module_name(path).split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "detector":  # from detector import x: x is the module imported
                found += [(node.lineno, f"detector.{a.name}") for a in node.names]
            elif target.startswith("detector."):
                found.append((node.lineno, target))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("detector.")]
    return found


def upward_imports() -> list[str]:
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here, rank = wing_of(module_name(path))
        for lineno, target in detector_imports(path):
            there, target_rank = wing_of(target)
            if there == here:
                continue
            if target_rank > rank or frozenset({here, there}) in SIDE_BY_SIDE:
                bad.append(f"{path.relative_to(PACKAGE.parent)}:{lineno} ({here}) imports {target} ({there})")
    return bad


def test_wings_depend_downwards_only() -> None:
    assert upward_imports() == []


@pytest.mark.parametrize(
    "module, expected",
    [
        ("detector.errors", ("core", 0)),
        ("detector.io", ("core", 0)),
        ("detector.sources.telegram", ("sources", 1)),
        ("detector.accounts.model", ("accounts", 2)),
        ("detector.training.evaluate", ("training", 3)),
        ("detector.posts.calls", ("posts", 3)),
        ("detector.ops.runner", ("ops", 4)),
        ("detector.cli", ("faces", 9)),
    ],
)
def test_wing_ranks(module: str, expected: tuple[str, int]) -> None:
    assert wing_of(module) == expected


def test_the_check_catches_an_upward_import(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule can fail: a fake accounts module importing ops is reported."""
    fake = tmp_path / "detector"
    (fake / "accounts").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "accounts" / "__init__.py").write_text("")
    (fake / "accounts" / "bad.py").write_text("from detector.ops.store import open_store\nfrom detector import io\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", fake)
    assert upward_imports() == ["detector/accounts/bad.py:1 (accounts) imports detector.ops.store (ops)"]


def test_every_wing_says_what_it_owns_and_never_does() -> None:
    for wing in WINGS:
        init = PACKAGE / wing / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and "never" in doc, f"{init} needs a docstring saying what the wing owns and never does"
