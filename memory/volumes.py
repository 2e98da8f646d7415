"""``tests/volumes.yaml``: the volumes the saved requirement tests run at.

Some requirement tests only mean something on existing rows ("a second open loan of an existing
copy is refused" picks the copy by subquery; on empty tables it inserts nothing and proves
nothing). The workspace states the volumes those tests run at in ``tests/volumes.yaml``, in the
format of ``dbarch test --rows FILE.yaml`` (``table: rows``, optionally ``default: N``)::

    copies: 2k
    loans: 5k
    default: 100

:func:`resolve_test_data` decides what data a run of the saved tests gets (``dbarch memory check``, the
migration guard of ``dbarch memory migrate``, ``dbarch memory tests``):

- volumes given by the caller (``--rows``): synthetic data at those volumes;
- ``data=False`` (``--no-data``): empty tables;
- otherwise, when ``tests/volumes.yaml`` exists: synthetic data at its volumes (the default);
- ``data=True`` (``--data``) without that file: :data:`~dbarch.tools.datagen.volumes.DEFAULT_ROWS`
  rows in every table, and a note says no volume was stated;
- otherwise: empty tables, and every report says so (a test that needs rows then fails or
  proves nothing, and the note tells which of the two you are looking at).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dbarch.memory.paths import VOLUMES_FILE
from dbarch.memory.workspace import Workspace
from dbarch.tools.errors import DbarchError, UsageError, WorkspaceError

if TYPE_CHECKING:
    from dbarch.tools.datagen import Volumes


@dataclass(frozen=True, slots=True)
class TestData:
    """The synthetic data saved requirement tests run on."""

    __test__ = False  # not a pytest test class

    source: str
    """Where the volumes come from: ``tests/volumes.yaml``, ``given`` (by the caller),
    ``default`` (``data=True`` without a volume file); or no data: ``none`` (no volume stated)
    or ``off`` (``data=False``)."""
    rows: tuple[tuple[str, int], ...] = ()
    """The stated rows per table, as written (empty for ``default`` and ``none``)."""
    default_rows: int | None = None
    """Rows for a table the volumes do not name (``None`` without data)."""
    explicit_default: bool = False
    """True when the volumes state that default themselves (no notice then)."""

    @property
    def loaded(self) -> bool:
        return self.source not in ("none", "off")

    def describe(self) -> str:
        """``on empty tables (...)`` or ``on synthetic data at ...``, for a report line."""
        if self.source == "none":
            return f"on empty tables (no synthetic data: the workspace states no volumes in {VOLUMES_FILE})"
        if self.source == "off":
            return "on empty tables (synthetic data turned off)"
        if self.source == "default":
            return f"on synthetic data, {self.default_rows:,} rows per table (no volumes stated in {VOLUMES_FILE})"
        where = f"the volumes of {VOLUMES_FILE}" if self.source == VOLUMES_FILE else "the volumes given"
        return f"on synthetic data at {where}"

    def volumes(self) -> Volumes | None:
        """The volumes to load, ``None`` for empty tables."""
        from dbarch.tools.datagen import Volumes

        if not self.loaded:
            return None
        if self.default_rows is None:  # pragma: no cover - every loaded source sets it
            return Volumes(dict(self.rows))
        return Volumes(dict(self.rows), self.default_rows, explicit_default=self.explicit_default)


def read_test_volumes(ws: Workspace) -> Volumes | None:
    """The volumes stated in ``tests/volumes.yaml``, ``None`` when the file does not exist."""
    from dbarch.tools.datagen.volumes import load_volume_file

    ws.paths.tests()  # refuse a symlinked tests/ before reading through it
    path = ws.paths.readable(VOLUMES_FILE)
    if not path.is_file():
        return None
    try:
        return load_volume_file(str(path))
    except UsageError as exc:
        raise UsageError(exc.message, file=VOLUMES_FILE, line=exc.line,
                         hint="write table: rows lines, for example `loans: 5k`") from exc


def save_test_volumes(ws: Workspace, spec: str) -> TestData:
    """Validate ``spec`` (``table=rows`` pairs, as ``--rows`` takes them) and write it as
    ``tests/volumes.yaml``, replacing the file; return what the saved tests will run on."""
    from dbarch.tools.datagen.volumes import parse_rows

    volumes = parse_rows(spec)
    if not volumes.rows and not volumes.explicit_default:
        raise UsageError("no volume given", hint="write table=rows pairs: loans=5k,copies=2k")
    lines = [f"{table}: {rows}" for table, rows in volumes.rows.items()]
    if volumes.explicit_default:
        lines.append(f"default: {volumes.default}")
    text = "# rows per table for the saved requirement tests (dbarch memory check / migrate)\n"
    text += "\n".join(lines) + "\n"
    ws.update(VOLUMES_FILE, lambda _old: (text, f"requirement-test volumes: {', '.join(lines)}"))
    return _from_volumes(VOLUMES_FILE, volumes)


def resolve_test_data(
    ws: Workspace, *, data: bool | None = None, volumes: Volumes | Mapping[str, int] | None = None
) -> TestData:
    """What the saved tests run on (see the module docstring for the rules)."""
    from dbarch.tools.datagen import Volumes
    from dbarch.tools.datagen.volumes import DEFAULT_ROWS

    if volumes is not None:
        if data is False:
            raise UsageError("volumes were given together with no data", hint="give one of the two")
        given = volumes if isinstance(volumes, Volumes) else Volumes(
            {str(k).lower(): int(v) for k, v in volumes.items()})
        return _from_volumes("given", given)
    if data is False:
        return TestData("off")
    stated = read_test_volumes(ws)
    if stated is not None:
        return _from_volumes(VOLUMES_FILE, stated)
    if data:
        return TestData("default", (), DEFAULT_ROWS)
    return TestData("none")


def located(exc: DbarchError, data: TestData) -> DbarchError:
    """A datagen usage error (a table the volumes name is gone) pointed at the volume file."""
    if data.source != VOLUMES_FILE or not isinstance(exc, UsageError):
        return exc
    return WorkspaceError(
        exc.message.replace("--rows", VOLUMES_FILE), file=VOLUMES_FILE,
        hint=f"edit {VOLUMES_FILE} to the tables the migrations make (or pass --no-data)",
    )


def _from_volumes(source: str, volumes: Volumes) -> TestData:
    return TestData(source, tuple(volumes.rows.items()), volumes.default, volumes.explicit_default)
