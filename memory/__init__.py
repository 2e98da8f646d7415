"""The user's workspace: ``00_soul.md``, ``01_state.md``, ``02_memory.md`` and ``migrations/``.

Files people read and review in pull requests, written by dbarch one safe way (allowlisted
paths, a cross-process lock, atomic renames, a journal line per write) and edited only inside the
sections dbarch owns. See ``docs/memory.md``; every workflow has an example in ``docs/api.md``:

- decide, plan, note: :func:`record_decision`, :func:`add_plan` / :func:`update_plan`,
  :func:`add_note`
- the schema: :func:`set_schema` (from SQL), :func:`schema_from_migrations` (replayed in the
  sandbox), :func:`read_schema_sql`
- migrations: :func:`write_checked_migration` (``dbarch memory migrate``: verified, guarded by
  the saved requirement tests, a deliberate rule change recorded), or :func:`write_migration`
  checked by :func:`sandbox_verifier` (which runs the same guard); :func:`check_drift`
- requirement tests kept with the schema: :func:`save_requirement_tests`,
  :func:`check_saved_tests`, on synthetic data at the volumes of ``tests/volumes.yaml``
  (:func:`save_test_volumes`, :func:`resolve_test_data`)
- reading: :func:`read_view` (one file as a typed value), :func:`summarize` (what the agent
  reads), :func:`erd_from_sql` (the Mermaid ER diagram)

Names are imported on first use (PEP 562), so ``import dbarch.memory`` costs nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dbarch.tools._lazy import lazy_exports

_EXPORTS = {
    **dict.fromkeys(("Migration", "list_migrations", "next_number", "write_migration"), "dbarch.memory.migrations"),
    **dict.fromkeys(("Note", "add_note", "read_notes"), "dbarch.memory.notes"),
    **dict.fromkeys(
        ("Decision", "read_decisions", "read_erd", "read_schema_sql", "record_decision", "set_schema"),
        "dbarch.memory.soul",
    ),
    **dict.fromkeys(("Plan", "add_plan", "read_plans", "update_plan"), "dbarch.memory.state"),
    **dict.fromkeys(("Workspace", "WriteResult"), "dbarch.memory.workspace"),
    **dict.fromkeys(
        ("DriftReport", "check_drift", "replay_migrations", "schema_from_migrations"), "dbarch.memory.drift"
    ),
    **dict.fromkeys(("MemoryView", "SoulView", "StateView", "read_view"), "dbarch.memory.views"),
    **dict.fromkeys(
        ("SavedTests", "check_saved_tests", "list_saved_tests", "read_saved_tests", "save_requirement_tests"),
        "dbarch.memory.reqtests",
    ),
    **dict.fromkeys(("CheckedMigration", "write_checked_migration"), "dbarch.memory.migrate"),
    **dict.fromkeys(("RequirementTestsFailed", "TestGuard"), "dbarch.memory.guard"),
    **dict.fromkeys(
        ("TestData", "read_test_volumes", "resolve_test_data", "save_test_volumes"), "dbarch.memory.volumes"
    ),
    "JournalEntry": "dbarch.memory.journal",
    "summarize": "dbarch.memory.summary",
    "erd_from_schema": "dbarch.memory.erd",
    "erd_from_sql": "dbarch.memory.erd",
    **dict.fromkeys(("SandboxVerifier", "sandbox_verifier"), "dbarch.memory.verify"),
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)

if TYPE_CHECKING:
    from dbarch.memory.drift import (
        DriftReport as DriftReport,
        check_drift as check_drift,
        replay_migrations as replay_migrations,
        schema_from_migrations as schema_from_migrations,
    )
    from dbarch.memory.erd import (
        erd_from_schema as erd_from_schema,
        erd_from_sql as erd_from_sql,
    )
    from dbarch.memory.guard import (
        RequirementTestsFailed as RequirementTestsFailed,
        TestGuard as TestGuard,
    )
    from dbarch.memory.journal import (
        JournalEntry as JournalEntry,
    )
    from dbarch.memory.migrate import (
        CheckedMigration as CheckedMigration,
        write_checked_migration as write_checked_migration,
    )
    from dbarch.memory.migrations import (
        Migration as Migration,
        list_migrations as list_migrations,
        next_number as next_number,
        write_migration as write_migration,
    )
    from dbarch.memory.notes import (
        Note as Note,
        add_note as add_note,
        read_notes as read_notes,
    )
    from dbarch.memory.reqtests import (
        SavedTests as SavedTests,
        check_saved_tests as check_saved_tests,
        list_saved_tests as list_saved_tests,
        read_saved_tests as read_saved_tests,
        save_requirement_tests as save_requirement_tests,
    )
    from dbarch.memory.soul import (
        Decision as Decision,
        read_decisions as read_decisions,
        read_erd as read_erd,
        read_schema_sql as read_schema_sql,
        record_decision as record_decision,
        set_schema as set_schema,
    )
    from dbarch.memory.state import (
        Plan as Plan,
        add_plan as add_plan,
        read_plans as read_plans,
        update_plan as update_plan,
    )
    from dbarch.memory.summary import (
        summarize as summarize,
    )
    from dbarch.memory.verify import (
        SandboxVerifier as SandboxVerifier,
        sandbox_verifier as sandbox_verifier,
    )
    from dbarch.memory.views import (
        MemoryView as MemoryView,
        SoulView as SoulView,
        StateView as StateView,
        read_view as read_view,
    )
    from dbarch.memory.volumes import (
        TestData as TestData,
        read_test_volumes as read_test_volumes,
        resolve_test_data as resolve_test_data,
        save_test_volumes as save_test_volumes,
    )
    from dbarch.memory.workspace import (
        Workspace as Workspace,
        WriteResult as WriteResult,
    )
