"""The user's workspace: ``00_soul.md``, ``01_state.md``, ``02_memory.md``, ``migrations/`` and
``tests/`` (requirement tests).

Files people read and review in pull requests, written by dbarch one safe way (allowlisted
paths, a cross-process lock, atomic renames, a journal line per write) and edited only inside the
sections dbarch owns. See ``docs/memory.md``.
"""

from dbarch.memory.migrations import Migration, list_migrations, next_number, write_migration
from dbarch.memory.notes import Note, add_note, read_notes
from dbarch.memory.reqtests import (
    SavedTests,
    check_saved_tests,
    list_saved_tests,
    read_saved_tests,
    save_requirement_tests,
)
from dbarch.memory.soul import (
    Decision,
    read_decisions,
    read_schema_sql,
    record_decision,
    set_schema,
)
from dbarch.memory.state import Plan, add_plan, read_plans, update_plan
from dbarch.memory.workspace import Workspace, WriteResult

__all__ = [
    "Decision",
    "Migration",
    "Note",
    "Plan",
    "SavedTests",
    "Workspace",
    "WriteResult",
    "add_note",
    "add_plan",
    "check_saved_tests",
    "list_migrations",
    "list_saved_tests",
    "next_number",
    "read_decisions",
    "read_notes",
    "read_plans",
    "read_saved_tests",
    "read_schema_sql",
    "record_decision",
    "save_requirement_tests",
    "set_schema",
    "update_plan",
    "write_migration",
]
