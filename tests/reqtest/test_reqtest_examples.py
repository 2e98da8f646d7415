"""Every worked example in docs/examples/reqtests passes against its schema, and each
deliberately broken variant of that schema fails at least one of its tests (real sandbox)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from dbarch.tools.datagen import load_volume_file
from dbarch.tools.reqtest import load_requirement_tests_file, run_requirement_tests
from dbarch.tools.sql.source import SqlSource

EXAMPLES = Path(__file__).parents[2] / "docs" / "examples" / "reqtests"
FOLDERS = sorted(p for p in EXAMPLES.iterdir() if p.is_dir())
BROKEN = [(f, b) for f in FOLDERS for b in sorted(f.glob("broken*.sql"))]

pytestmark = pytest.mark.sandbox


def run_example(folder: Path, schema: Path, sandbox: Any) -> Any:
    volumes = load_volume_file(str(folder / "volumes.yaml")) if (folder / "volumes.yaml").exists() else None
    tests = load_requirement_tests_file(folder / "tests.yaml")
    return run_requirement_tests(SqlSource(str(schema), schema.read_text()), tests, sandbox=sandbox, volumes=volumes)


def test_the_classic_rules_each_have_an_example() -> None:
    names = {f.name for f in FOLDERS}
    assert {"no_overlap", "balanced_ledger", "one_open_loan", "tenant_rls", "tenant_composite_keys",
            "soft_delete_unique"} <= names
    for folder in FOLDERS:
        assert (folder / "schema.sql").exists() and (folder / "tests.yaml").exists()
        assert list(folder.glob("broken*.sql")), f"{folder.name} has no broken variant"


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda f: f.name)
def test_an_example_passes_against_its_schema(folder: Path, sandbox: Any) -> None:
    report = run_example(folder, folder / "schema.sql", sandbox)
    assert report.passed, [(t.name, t.failure) for t in report.tests if not t.passed]
    assert report.negative.total >= 1 and report.positive.total >= 1


@pytest.mark.parametrize(("folder", "broken"), BROKEN, ids=lambda p: p.name)
def test_a_broken_variant_fails(folder: Path, broken: Path, sandbox: Any) -> None:
    report = run_example(folder, broken, sandbox)
    assert report.schema_applied, report.schema_error
    assert report.failed >= 1
