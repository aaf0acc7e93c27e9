"""The package's layering: what ships never imports the study harness."""

import ast
from pathlib import Path

import pytest

import sklearn_xrd

ROOT = Path(sklearn_xrd.__file__).resolve().parent
#: The harness (the study family) and what may import it: itself and the CLI.
HARNESS = ("sklearn_xrd.study", "benchmarks", "bench_")
MAY_IMPORT_HARNESS = ("study/", "cli.py")
LIBRARY = sorted(
    path.relative_to(ROOT).as_posix()
    for path in ROOT.rglob("*.py")
    if not path.relative_to(ROOT).as_posix().startswith(MAY_IMPORT_HARNESS)
)


def imported_modules(path):
    """Absolute names of the modules a file imports, relative imports resolved."""
    # the package a file belongs to (an __init__.py's is its own folder)
    package = list(path.relative_to(ROOT.parent).parts[:-1])
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                base = node.module
            else:
                base = ".".join(
                    package[: len(package) - node.level + 1]
                    + ([node.module] if node.module else [])
                )
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def test_imported_modules_resolves_relative_imports():
    names = set(imported_modules(ROOT / "pretrained" / "_recipe.py"))
    assert "sklearn_xrd.simulation" in names
    assert "sklearn_xrd.datasets.synthetic_training_set" in names
    names = set(imported_modules(ROOT / "study" / "__init__.py"))
    assert "sklearn_xrd.study._demo" in names


@pytest.mark.parametrize("name", LIBRARY)
def test_library_never_imports_the_harness(name):
    bad = sorted(
        module for module in imported_modules(ROOT / name) if module.startswith(HARNESS)
    )
    assert not bad, f"sklearn_xrd/{name} imports the study harness: {bad}"


def test_the_shipped_model_is_checked():
    assert "pretrained/_predict.py" in LIBRARY
    assert "pretrained/_recipe.py" in LIBRARY
    assert not any(name.startswith("study/") for name in LIBRARY)
