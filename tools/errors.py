"""One error root for everything dbarch raises on purpose.

Each error carries where it happened (file, line, column), the PostgreSQL SQLSTATE when the
server said so, and a hint saying what to do. Turning an error into one line of text happens
only at the edges (the CLI, the REPL, the agent's tools): see :meth:`DbarchError.one_line`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DbarchError(Exception):
    """Root of every error dbarch raises deliberately."""

    kind = "error"

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        sqlstate: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.sqlstate = sqlstate
        self.hint = hint

    def where(self) -> str:
        """``file:line:col`` as far as it is known (empty when nothing is)."""
        parts = [p for p in (self.file, self.line, self.column) if p is not None]
        return ":".join(str(p) for p in parts)

    def one_line(self) -> str:
        """The message a person reads: where, what, SQLSTATE, and the hint."""
        text = self.message
        where = self.where()
        if where:
            text = f"{where}: {text}"
        if self.sqlstate:
            text += f" [SQLSTATE {self.sqlstate}]"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """One JSON form for every error (see :mod:`dbarch.tools.jsonform`): ``{kind, message,
        file, line, column, sqlstate, hint}``. pydantic is imported only when JSON is asked for."""
        from pydantic_core import core_schema as cs

        text, number = cs.nullable_schema(cs.str_schema()), cs.nullable_schema(cs.int_schema())
        record = cs.typed_dict_schema(
            {
                "kind": cs.typed_dict_field(cs.str_schema()),
                "message": cs.typed_dict_field(cs.str_schema()),
                "file": cs.typed_dict_field(text),
                "line": cs.typed_dict_field(number),
                "column": cs.typed_dict_field(number),
                "sqlstate": cs.typed_dict_field(text),
                "hint": cs.typed_dict_field(text),
            }
        )
        return cs.no_info_after_validator_function(
            cls._from_record,
            record,
            serialization=cs.plain_serializer_function_ser_schema(_record, return_schema=record),
        )

    @classmethod
    def _from_record(cls, record: dict[str, Any]) -> DbarchError:
        kinds = {sub.kind: sub for sub in _subclasses(DbarchError)}
        target = kinds.get(record.get("kind", ""), cls)
        fields = {k: record.get(k) for k in ("file", "line", "column", "sqlstate", "hint")}
        return target(record["message"], **fields)


def _record(err: DbarchError) -> dict[str, Any]:
    return {
        "kind": err.kind,
        "message": err.message,
        "file": err.file,
        "line": err.line,
        "column": err.column,
        "sqlstate": err.sqlstate,
        "hint": err.hint,
    }


def _subclasses(cls: type[DbarchError]) -> list[type[DbarchError]]:
    found = [cls]
    for sub in cls.__subclasses__():
        found.extend(_subclasses(sub))
    return found


class UsageError(DbarchError):
    """The command was called wrongly (a missing file, a bad flag value)."""

    kind = "usage"


class InputError(DbarchError):
    """The input cannot be read as SQL text (binary, not UTF-8, too large, empty)."""

    kind = "input"


class ParseError(DbarchError):
    """SQL that does not parse."""

    kind = "parse"


class LintError(DbarchError):
    """The lint engine was misconfigured (unknown rule id, bad configuration)."""

    kind = "lint"


class SandboxError(DbarchError):
    """The sandbox server cannot be started, reached or used."""

    kind = "sandbox"


class ModelError(DbarchError):
    """The language model endpoint failed or answered something unusable."""

    kind = "model"


class WorkspaceError(DbarchError):
    """A workspace file cannot be read or written safely."""

    kind = "workspace"


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column in a source text."""

    line: int
    column: int


def position_at(text: str, offset: int) -> Position:
    """Line and column (both 1-based) of character ``offset`` (0-based) in ``text``."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    return Position(line, offset - start + 1)
