"""Databases loaded with synthetic data for the performance scorers, at the case's volumes
scaled down to a row cap (the plan's shape, index or sequential scan, shows at 20k rows as it
does at 20M for a selective predicate; absolute costs are not compared across scales)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass

from dbarch.tools.datagen.volumes import Volumes, parse_count
from dbarch.tools.errors import DbarchError
from dbarch.tools.sandbox import Sandbox, ScratchDatabase
from dbarch.tools.sql.parse import ParsedScript


def scaled_rows(stated: Mapping[str, int | str], cap: int, focus: Collection[str] = ()) -> dict[str, int]:
    """Stated rows per table scaled so that the largest is ``cap`` (ratios kept), each table
    at least ``cap // 10`` rows (or its stated count when smaller) so that the planner's
    choice on a small table still means something.

    With ``focus`` (the tables the critical queries read), the largest *focus* table gets
    ``cap`` and every other table at most ``cap // 10``: other tables only need enough rows to
    give the foreign keys a realistic spread, and loading them in full would dominate the time.
    """
    rows = {k.lower(): _count(v) for k, v in stated.items()}
    keys = {f.lower() for f in focus} & set(rows)
    top = max((rows[k] for k in keys), default=0) or max(rows.values(), default=0)
    floor = cap // 10
    if top <= cap and not keys:
        return rows
    out: dict[str, int] = {}
    for k, v in rows.items():
        scaled = max(min(v, floor), round(v * min(1.0, cap / top))) if top else v
        out[k] = scaled if not keys or k in keys else min(scaled, max(min(v, floor), 1))
    return out


def _count(value: int | str) -> int:
    """``10m``, ``1.5b``, ``50k`` or a number (stated volumes may exceed what datagen loads)."""
    text = str(value).strip().lower().replace("_", "").replace(",", "")
    if text.endswith("b"):
        return int(float(text[:-1]) * 1_000_000_000)
    if text.endswith("m") and float(text[:-1]) * 1_000_000 > 100_000_000:
        return int(float(text[:-1]) * 1_000_000)
    return parse_count(text)


def volumes_for(rows: Mapping[str, int], cap: int) -> Volumes:
    return Volumes(dict(rows), default=max(50, min(1000, cap // 20)), explicit_default=True)


@dataclass
class Loaded:
    db: ScratchDatabase
    lock: threading.Lock
    error: DbarchError | None = None
    notices: tuple[str, ...] = ()
    """What datagen could not do (tables left empty or short)."""
    dropped: bool = False


def load(sandbox: Sandbox, scripts: list[ParsedScript], rows: Mapping[str, int], cap: int) -> Loaded:
    """Apply ``scripts`` in a new scratch database and fill it; the caller drops it."""
    from dbarch.tools.datagen.generate import generate_data
    from dbarch.tools.sandbox.apply import apply_scripts

    db = sandbox.create_scratch()
    try:
        result = apply_scripts(sandbox, db, scripts)
        if result.error is not None:
            return Loaded(db, threading.Lock(), result.error)
        known = {r[0] for r in db.conn.execute(
            "SELECT lower(relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r','p') AND n.nspname NOT IN ('pg_catalog','information_schema')")}
        data = generate_data(db.conn, volumes_for({k: v for k, v in rows.items() if k in known}, cap),
                             dsn=db.dsn, workers=0)
    except DbarchError as exc:
        return Loaded(db, threading.Lock(), exc)
    except Exception:
        sandbox.drop_scratch(db)
        raise
    return Loaded(db, threading.Lock(), notices=tuple(n for n in data.notices if "no volume stated" not in n))


class LoadedCache:
    """Loaded databases by key (a case's given schema), a few at a time; ``drop`` disposes of one."""

    def __init__(self, drop: Callable[[ScratchDatabase], None], size: int = 4) -> None:
        self.size = size
        self._drop = drop
        self._items: dict[str, Loaded] = {}
        self._making: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def get(self, key: str, make: Callable[[], Loaded]) -> Iterator[Loaded]:
        """The loaded database for ``key``, made on first use (outside the cache's lock, so two
        threads load two databases at once; a thread asking for a key being made waits)."""
        with self._lock:
            pending = self._making.get(key)
            if pending is None and key not in self._items:
                pending = self._making[key] = threading.Event()
                mine = True
            else:
                mine = False
        if mine:
            assert pending is not None
            try:
                item = make()
            except BaseException:
                with self._lock:
                    self._making.pop(key, None)
                pending.set()
                raise
            with self._lock:
                self._making.pop(key, None)
                self._items[key] = item
                evict = [k for k in list(self._items)[: max(0, len(self._items) - self.size)] if k != key]
                dropped = [self._items.pop(k) for k in evict]
            pending.set()
            for d in dropped:
                with d.lock:
                    d.dropped = True
                    self._drop(d.db)
        elif pending is not None:
            pending.wait()
        with self._lock:
            found = self._items.get(key)
        if found is not None:
            with found.lock:
                if not found.dropped:
                    yield found
                    return
        private = make()  # evicted meanwhile: a private one, dropped after use
        try:
            yield private
        finally:
            self._drop(private.db)

    def close(self) -> None:
        with self._lock:
            items, self._items = list(self._items.values()), {}
        for d in items:
            with contextlib.suppress(Exception):
                self._drop(d.db)
