"""The check a migration passes before it is written: parse, lint, apply, saved tests.

:func:`sandbox_verifier` returns a :data:`memory.migrations.Verifier` that runs
:func:`tools.check.check_sources` on the earlier migrations followed by the new one, in one scratch
database: the new migration must parse, have no lint finding of severity ``error``, and apply on
top of the schema the earlier migrations produce: :attr:`~dbarch.tools.check.CheckResult.passed`,
except that lint findings in earlier migrations do not count (they are written already). Then the
requirement tests saved in ``tests/`` must still pass with it (:mod:`memory.guard`); the
verifier keeps what they said in :attr:`SandboxVerifier.guard`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from dbarch.memory.migrations import Migration
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import WorkspaceError

if TYPE_CHECKING:
    from dbarch.memory.guard import TestGuard
    from dbarch.tools.datagen import Volumes
    from dbarch.tools.sandbox import Sandbox


class SandboxVerifier:
    """A :data:`memory.migrations.Verifier` applying migrations in a sandbox, then running the
    saved requirement tests; :attr:`guard` holds what the tests said after a call."""

    def __init__(
        self,
        ws: Workspace,
        sandbox: Sandbox,
        *,
        requirement_tests: bool = True,
        data: bool | None = None,
        volumes: Volumes | Mapping[str, int] | None = None,
        allow_failing_tests: bool = False,
    ) -> None:
        self.ws = ws
        self.sandbox = sandbox
        self.requirement_tests = requirement_tests
        self.data = data
        self.volumes = volumes
        self.allow_failing_tests = allow_failing_tests
        self.guard: TestGuard | None = None
        """What the saved tests said about the last migration verified (``None`` before a call,
        or when ``requirement_tests`` is false)."""

    def __call__(self, sql: str, file: str, earlier: Sequence[Migration]) -> None:
        from dbarch.tools.check import check_sources
        from dbarch.tools.sql.source import SqlSource

        ws = self.ws
        sources = [SqlSource(m.file, m.read(ws)) for m in earlier]
        sources.append(SqlSource(file, sql))
        result = check_sources(sources, sandbox=self.sandbox, apply=True, lint=True)
        if result.errors:
            first = result.errors[0]
            where = (
                "" if first.file in (None, file) else f" (in the earlier migration {first.file})"
            )
            raise WorkspaceError(
                f"the migration was not written: {first.message}{where}",
                file=first.file or file,
                line=first.line,
                column=first.column,
                sqlstate=first.sqlstate,
                hint=first.hint,
            )
        for finding in result.lint_errors(file):
            raise WorkspaceError(
                f"the migration was not written: {finding.rule}: {finding.message}",
                file=file,
                line=finding.line,
                column=finding.column,
                hint=finding.hint,
            )
        if not result.applied:
            raise WorkspaceError(
                "the migration was not written: it could not be applied in the sandbox",
                file=file,
                hint="run `dbarch check` on the migrations folder to see why",
            )
        if self.requirement_tests:
            from dbarch.memory.guard import guard_migration
            from dbarch.memory.volumes import resolve_test_data

            plan = resolve_test_data(ws, data=self.data, volumes=self.volumes)
            self.guard = guard_migration(ws, self.sandbox, sources[:-1], sources[-1], plan,
                                         allow_failing_tests=self.allow_failing_tests)


def sandbox_verifier(
    ws: Workspace,
    sandbox: Sandbox,
    *,
    requirement_tests: bool = True,
    data: bool | None = None,
    volumes: Volumes | Mapping[str, int] | None = None,
    allow_failing_tests: bool = False,
) -> SandboxVerifier:
    """A verifier applying migrations in ``sandbox`` (a :class:`tools.sandbox.Sandbox`), then
    running the requirement tests saved in the workspace on the result.

    ``data``/``volumes`` choose the synthetic data the tests run on
    (:func:`memory.volumes.resolve_test_data`); a failing test refuses the migration
    (:class:`memory.guard.RequirementTestsFailed`) unless ``allow_failing_tests``.
    """
    return SandboxVerifier(ws, sandbox, requirement_tests=requirement_tests, data=data,
                           volumes=volumes, allow_failing_tests=allow_failing_tests)
