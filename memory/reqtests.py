"""``tests/NNN_slug.yaml``: the requirement tests saved with the design.

Requirement tests state what the schema must enforce ("a copy is on one open loan at most").
Saved beside ``migrations/``, they are re-run by :func:`check_saved_tests` (``dbarch memory
check``) against the migrations replayed from nothing, so a later migration that breaks a rule
is caught, and by the guard of ``dbarch memory migrate`` (:mod:`dbarch.memory.guard`) before a
migration is written. They run on the synthetic data :mod:`dbarch.memory.volumes` chooses. A file is validated before it is written; saving again under the same name replaces
that file (rules are refined), a new name takes the next free number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dbarch.memory.migrations import list_migrations
from dbarch.memory.paths import TESTS_DIR, TESTS_NAME, slugify
from dbarch.memory.volumes import TestData, located, resolve_test_data
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import DbarchError, WorkspaceError

if TYPE_CHECKING:
    from dbarch.tools.datagen import Volumes
    from dbarch.tools.reqtest import RequirementTest, TestReport
    from dbarch.tools.sql.source import SqlSource


@dataclass(frozen=True, slots=True)
class SavedTests:
    """One saved test file."""

    number: int
    slug: str
    file: str
    """Workspace-relative path: ``tests/001_one_open_loan.yaml``."""
    tests: int = 0
    """How many tests it holds (0 when only listed, not read)."""


RequirementTestsVerifier = Callable[[Sequence["RequirementTest"], str], None]
"""``verify(tests, file)`` raises a DbarchError when the tests must not be saved."""


def list_saved_tests(ws: Workspace) -> list[SavedTests]:
    """The saved test files in number order (other files in ``tests/`` are ignored)."""
    folder = ws.tests_dir()
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        match = TESTS_NAME.match(path.name)
        if match is not None and not path.is_symlink():
            found.append(SavedTests(int(match.group("number")), match.group("slug"), f"{TESTS_DIR}/{path.name}"))
    return sorted(found, key=lambda s: (s.number, s.slug))


def read_saved_tests(ws: Workspace) -> list[RequirementTest]:
    """Every saved test, in file order (each test knows its file as ``source``)."""
    from dbarch.tools.reqtest import load_requirement_tests

    tests: list[RequirementTest] = []
    for saved in list_saved_tests(ws):
        text = ws.read(saved.file)
        if text is not None:
            tests.extend(load_requirement_tests(text, source=saved.file))
    return tests


def save_requirement_tests(
    ws: Workspace,
    name: str,
    tests: str | Sequence[RequirementTest],
    *,
    verify: RequirementTestsVerifier | None = None,
) -> SavedTests:
    """Validate ``tests`` (YAML/JSON text, kept as written, or test values) and save them as
    ``tests/NNN_<name>.yaml``; the file of that name is replaced if it exists."""
    from dbarch.tools.reqtest import dump_requirement_tests, load_requirement_tests

    slug = slugify(name)
    with ws.locked():
        existing = {s.slug: s for s in list_saved_tests(ws)}
        number = existing[slug].number if slug in existing else max(
            (s.number for s in existing.values()), default=0) + 1
        relative = f"{TESTS_DIR}/{number:03d}_{slug}.yaml"
        if isinstance(tests, str):
            text = tests if tests.endswith("\n") else tests + "\n"
            parsed = load_requirement_tests(text, source=relative)
        else:
            parsed = tuple(tests)
            if not parsed:
                raise WorkspaceError("no tests to save", hint="give at least one test")
            text = dump_requirement_tests(parsed)
            parsed = load_requirement_tests(text, source=relative)
        if verify is not None:
            verify(parsed, relative)
        summary = f"requirement tests {number:03d}: {slug} ({len(parsed)} tests)"
        ws.update(relative, lambda _old: (text, summary))
        return SavedTests(number, slug, relative, len(parsed))


def check_saved_tests(
    ws: Workspace,
    sandbox: Any,
    *,
    statement_timeout_ms: int | None = None,
    data: bool | None = None,
    volumes: Volumes | Mapping[str, int] | None = None,
) -> TestReport | None:
    """Re-run every saved test against ``migrations/`` replayed in a fresh scratch database;
    ``None`` when no tests are saved.

    ``data``/``volumes`` choose the synthetic data first loaded (:func:`memory.volumes.resolve_test_data`:
    by default the volumes of ``tests/volumes.yaml`` when it exists, else empty tables); the
    report's first note says which.
    """
    from dbarch.tools.sql.source import SqlSource

    tests = read_saved_tests(ws)
    if not tests:
        return None
    sources = [SqlSource(m.file, m.read(ws)) for m in list_migrations(ws)]
    plan = resolve_test_data(ws, data=data, volumes=volumes)
    return run_saved_tests(sources, tests, plan, sandbox=sandbox, statement_timeout_ms=statement_timeout_ms)


def run_saved_tests(
    sources: Sequence[SqlSource],
    tests: Sequence[RequirementTest],
    data: TestData,
    *,
    sandbox: Any,
    statement_timeout_ms: int | None = None,
) -> TestReport:
    """Run ``tests`` on ``sources`` applied in order, on ``data``; the report's first note says
    what data the tests ran on (empty tables are said, never implied)."""
    from dbarch.tools.reqtest import run_requirement_tests

    try:
        report = run_requirement_tests(sources, tests, sandbox=sandbox, volumes=data.volumes(),
                                       statement_timeout_ms=statement_timeout_ms)
    except DbarchError as exc:
        raise located(exc, data) from exc
    return dataclasses.replace(report, notes=(f"the tests ran {data.describe()}", *report.notes))


def requirement_tests_verifier(
    ws: Workspace, sandbox: Any, *, data: bool | None = None, volumes: Volumes | Mapping[str, int] | None = None
) -> RequirementTestsVerifier:
    """A verifier that refuses tests failing against the replayed migrations (they would be
    saved broken: a rule the design does not enforce, or a test that is wrong). ``data`` and
    ``volumes`` as for :func:`check_saved_tests`."""

    def verify(tests: Sequence[RequirementTest], file: str) -> None:
        from dbarch.tools.sql.source import SqlSource

        sources = [SqlSource(m.file, m.read(ws)) for m in list_migrations(ws)]
        plan = resolve_test_data(ws, data=data, volumes=volumes)
        report = run_saved_tests(sources, tests, plan, sandbox=sandbox)
        if report.schema_error is not None:
            raise WorkspaceError(f"the tests were not saved: {report.schema_error.one_line()}", file=file)
        failed = report.failures()
        if failed:
            first = failed[0]
            raise DbarchError(
                f"the tests were not saved: {len(failed)} of {report.total} fail against the migrations "
                f"{plan.describe()}; {first.name!r}: {first.failure}",
                file=file, line=first.line, hint="fix the design (a new migration) or the test, then save again",
            )

    return verify
