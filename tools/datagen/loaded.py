"""A scratch database with the schema applied and synthetic data loaded: what ``explain``
and ``advise`` work on."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace

from dbarch.tools.datagen.generate import DatagenResult, generate_data
from dbarch.tools.datagen.plan import Options
from dbarch.tools.datagen.volumes import Volumes
from dbarch.tools.sandbox import Sandbox, ScratchDatabase
from dbarch.tools.sql.source import SqlSource


@contextlib.contextmanager
def loaded_database(
    sandbox: Sandbox, schema: Sequence[SqlSource], volumes: Volumes, *, options: Options | None = None,
    variables: Mapping[str, str] | None = None, keep_going: bool = False,
) -> Iterator[tuple[ScratchDatabase, DatagenResult]]:
    """Apply ``schema`` in a scratch database, fill it, ANALYZE it; drop it on exit.

    Raises the schema's first parse or server error (located in its file) as a
    :class:`~tools.errors.DbarchError`, unless ``keep_going`` (then whatever applied is
    loaded, and the errors are in :attr:`DatagenResult.notices`). The session's
    ``search_path`` is the schemas the script created, then ``public``, whatever the script
    set (:func:`~tools.sandbox.apply.reset_session`).
    """
    from dbarch.tools.sandbox.applied import applied_database
    from dbarch.tools.sandbox.apply import apply_scripts
    from dbarch.tools.sql.parse import parse_script

    scripts = [parse_script(s.text, dialect="postgres", source=s.name, variables=variables) for s in schema]
    if not keep_going:
        with applied_database(sandbox, scripts) as db:
            yield db, generate_data(db.conn, volumes, options=options, dsn=db.dsn)
        return
    skipped = [e for script in scripts for e in script.errors]
    sandbox.start()
    with sandbox.scratch() as db:
        result = apply_scripts(sandbox, db, scripts, keep_going=True)
        data = generate_data(db.conn, volumes, options=options, dsn=db.dsn)
        failures = tuple(f"not applied: {e.one_line()}" for e in (*skipped, *result.errors))
        yield db, replace(data, notices=failures + data.notices)
