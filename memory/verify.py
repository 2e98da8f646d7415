"""The check a migration passes before it is written: parse, lint, apply on the sandbox.

:func:`sandbox_verifier` returns a :data:`memory.migrations.Verifier` that runs
:func:`tools.check.check_sources` on the earlier migrations followed by the new one, in one scratch
database: the new migration must parse, have no lint finding of severity ``error``, and apply on
top of the schema the earlier migrations produce: :attr:`~dbarch.tools.check.CheckResult.passed`,
except that lint findings in earlier migrations do not count (they are written already).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from dbarch.memory.migrations import Migration, Verifier
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import WorkspaceError

if TYPE_CHECKING:
    from dbarch.tools.sandbox import Sandbox


def sandbox_verifier(ws: Workspace, sandbox: Sandbox) -> Verifier:
    """A verifier applying migrations in ``sandbox`` (a :class:`tools.sandbox.Sandbox`)."""

    def verify(sql: str, file: str, earlier: Sequence[Migration]) -> None:
        from dbarch.tools.check import check_sources
        from dbarch.tools.sql.source import SqlSource

        sources = [SqlSource(m.file, m.read(ws)) for m in earlier]
        sources.append(SqlSource(file, sql))
        result = check_sources(sources, sandbox=sandbox, apply=True, lint=True)
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

    return verify
