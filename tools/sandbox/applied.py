"""A scratch database with scripts applied, or one located error: what the drift check and the
data loader (and any caller that needs a schema in place before it works) start from.

>>> from dbarch.tools.sql.parse import parse_script
>>> with Sandbox() as box, applied_database(box, [parse_script("CREATE TABLE t (id int);")]) as db:  # doctest: +SKIP
...     db.conn.execute("SELECT count(*) FROM t").fetchone()
(0,)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from dbarch.tools.errors import DbarchError
from dbarch.tools.sandbox.sandbox import Sandbox, ScratchDatabase
from dbarch.tools.sql.parse import ParsedScript


@contextlib.contextmanager
def applied_database(
    sandbox: Sandbox,
    scripts: Sequence[ParsedScript],
    *,
    failure: str = "the schema does not apply",
    error: type[DbarchError] = DbarchError,
) -> Iterator[ScratchDatabase]:
    """A scratch database of ``sandbox`` where ``scripts`` ran in order; dropped on exit.

    A script that does not parse raises its first parse error before the server is used; a
    statement the server refuses raises ``error("<failure>: <server message>")`` located in its
    file (line, column, SQLSTATE and hint kept)."""
    from dbarch.tools.sandbox.apply import apply_scripts

    for script in scripts:
        if script.errors:
            raise script.errors[0]
    sandbox.start()
    with sandbox.scratch() as db:
        result = apply_scripts(sandbox, db, scripts)
        if result.error is not None:
            raise restate(result.error, f"{failure}: {result.error.message}", error)
        yield db


def restate(err: DbarchError, message: str, kind: type[DbarchError] = DbarchError) -> DbarchError:
    """``err``'s place (file, line, column, SQLSTATE, hint) with another message and kind."""
    return kind(message, file=err.file, line=err.line, column=err.column, sqlstate=err.sqlstate, hint=err.hint)
