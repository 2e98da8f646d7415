"""``dbarch memory migrate`` as one call: verify a migration, guard it with the saved requirement
tests, write it, and record a deliberate rule change in ``01_state.md``.

:func:`write_checked_migration` returns a :class:`CheckedMigration`: the file written and what
the saved tests said (:class:`memory.guard.TestGuard`). A migration some saved test fails with
is refused (:class:`memory.guard.RequirementTestsFailed`, nothing written), unless
``allow_failing_tests`` with a ``reason``: then it is written and a plan record with status
``applied`` in ``01_state.md`` names the migration, the reason and every failing test, so the
change of rule is on record and the tests left to update are listed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dbarch.memory.guard import TestGuard
from dbarch.memory.migrations import Migration, write_migration
from dbarch.memory.state import Plan, add_plan, read_plans
from dbarch.memory.verify import sandbox_verifier
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import UsageError

if TYPE_CHECKING:
    from dbarch.tools.datagen import Volumes
    from dbarch.tools.sandbox import Sandbox


@dataclass(frozen=True, slots=True)
class CheckedMigration:
    """A migration written after every check, and what the saved requirement tests said."""

    migration: Migration
    tests: TestGuard
    rule_change: Plan | None = None
    """The 01_state.md record of failing tests allowed on purpose (``None`` when none failed)."""


def write_checked_migration(
    ws: Workspace,
    name: str,
    sql: str,
    *,
    sandbox: Sandbox,
    number: int | None = None,
    data: bool | None = None,
    volumes: Volumes | Mapping[str, int] | None = None,
    allow_failing_tests: bool = False,
    reason: str = "",
) -> CheckedMigration:
    """Verify ``sql`` (parse, lint, apply after the earlier migrations), run the saved tests on
    the result, and write it as the next migration; see the module docstring."""
    if allow_failing_tests and not reason.strip():
        raise UsageError("allowing failing requirement tests needs a reason",
                         hint='say why the rule changes: --reason "copies may now be lent twice"')
    verify = sandbox_verifier(ws, sandbox, data=data, volumes=volumes, allow_failing_tests=allow_failing_tests)
    with ws.locked():
        if allow_failing_tests:
            read_plans(ws)  # 01_state.md must take the record: refuse before the migration is written
        migration = write_migration(ws, name, sql, number=number, verify=verify)
        guard = verify.guard
        assert guard is not None  # the verifier ran the saved tests
        plan = _record_rule_change(ws, migration, guard, reason) if guard.allowed else None
    return CheckedMigration(migration, guard, plan)


def _record_rule_change(ws: Workspace, migration: Migration, guard: TestGuard, reason: str) -> Plan:
    assert guard.report is not None
    failing = guard.report.failures()
    lines = [
        f"Written although {_tests(len(failing))} saved with the design "
        f"{'fails' if len(failing) == 1 else 'fail'} with it (failing tests allowed), {guard.data.describe()}.",
        f"Reason: {' '.join(reason.split())}",
        "Tests that still state the old rule (update or remove them; `dbarch memory check` fails until then):",
    ]
    for test in failing:
        where = ":".join(str(p) for p in (test.source, test.line) if p is not None)
        lines.append(f"- {test.name} ({where}): {test.failure}")
    title = f"Rule change: {migration.file} lets {_tests(len(failing))} fail"
    return add_plan(ws, title, description="\n".join(lines), status="applied", migrations=[migration.file])


def _tests(n: int) -> str:
    return f"{n} requirement test{'' if n == 1 else 's'}"
