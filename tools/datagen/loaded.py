"""A scratch database with the schema applied and synthetic data loaded: what ``explain``
and ``advise`` work on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence

from dbarch.tools.datagen.generate import DatagenResult, generate_data
from dbarch.tools.datagen.plan import Options
from dbarch.tools.datagen.volumes import Volumes
from dbarch.tools.errors import DbarchError
from dbarch.tools.sandbox import Sandbox, ScratchDatabase
from dbarch.tools.sql.source import SqlSource


@contextlib.contextmanager
def loaded_database(
    sandbox: Sandbox, schema: Sequence[SqlSource], volumes: Volumes, *, options: Options | None = None
) -> Iterator[tuple[ScratchDatabase, DatagenResult]]:
    """Apply ``schema`` in a scratch database, fill it, ANALYZE it; drop it on exit.

    Raises the schema's first parse or server error (located in its file) as a
    :class:`~tools.errors.DbarchError`.
    """
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    scripts = [parse_script(s.text, dialect="postgres", source=s.name) for s in schema]
    for script in scripts:
        if script.errors:
            raise script.errors[0]
    sandbox.start()
    with sandbox.scratch() as db:
        result = apply_scripts(sandbox, db, scripts)
        if result.error is not None:
            err = result.error
            raise DbarchError(f"the schema does not apply: {err.message}", file=err.file, line=err.line,
                              column=err.column, sqlstate=err.sqlstate, hint=err.hint)
        data = generate_data(db.conn, volumes, options=options, dsn=db.dsn)
        yield db, data
