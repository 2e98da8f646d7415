"""A cache of lint reports: a file linted before, unchanged, costs one lookup.

A report is stored under a key made of everything it depends on: the file's text and name,
the dialect, the configuration (rules, severities, options, ``assume_in_transaction``), the
existing schema, and the code that lints (every module of ``tools/lint``, ``tools/schema``,
``tools/sql`` and ``tools/errors.py``, plus the installed sqlglot and pglast, by size and
modification time). Change
any of them and the report is computed again; nothing can come back stale after an upgrade
or an edit of a rule.

Reading a report back imports no SQL parser, so re-linting an unchanged migration history
costs the interpreter's start and a hash of the files. The caller owns the folder (the CLI
uses ``$DBARCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/dbarch``, else ``~/.cache/dbarch``, then
``lint/``); a folder that cannot be written only makes the cache miss, never the lint fail.

>>> import tempfile
>>> from dbarch.tools.lint.config import LintConfig
>>> from dbarch.tools.lint.findings import LintReport
>>> cache = LintCache(Path(tempfile.mkdtemp()))
>>> key = cache.key("SELECT 1;", "a.sql", LintConfig(), "postgres", None)
>>> cache.get(key) is None
True
>>> cache.put(key, LintReport("a.sql", (), 1, 0))
>>> cache.get(key).cached
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import pickle
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dbarch.tools.lint.findings import LintReport, diagnostic_from_json, diagnostic_json

if TYPE_CHECKING:
    from dbarch.tools.lint.config import LintConfig
    from dbarch.tools.schema.model import Schema

log = logging.getLogger(__name__)

FORMAT = 1
"""Version of the entry format: entries of another version are ignored."""

MAX_AGE_DAYS = 30
"""Entries not read or written for this long are removed (when their shard is written)."""

_ROOT = Path(__file__).resolve().parents[2]
_CODE_PATHS = ("tools/lint", "tools/schema", "tools/sql", "tools/errors.py")
"""What a report depends on in dbarch: the lint, schema and SQL packages, and the errors' messages."""
_LIBRARIES = ("sqlglot", "pglast")


def _python_files(folder: Path) -> Iterator[os.DirEntry[str]]:
    if folder.suffix == ".py":  # one module
        folder, name = folder.parent, folder.name
        with contextlib.suppress(OSError):
            yield from (e for e in os.scandir(folder) if e.name == name)
        return
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        if entry.is_dir():
            if entry.name != "__pycache__":
                yield from _python_files(Path(entry.path))
        elif entry.name.endswith(".py"):
            yield entry


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code whose behaviour a cached report records: dbarch's lint, schema and
    SQL modules and the installed SQL parsers, by path, size and modification time."""
    digest = hashlib.sha256()
    for folder in _CODE_PATHS:
        for entry in sorted(_python_files(_ROOT / folder), key=lambda e: e.path):
            st = entry.stat()
            digest.update(f"{entry.path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    for name in _LIBRARIES:
        spec = find_spec(name)
        origin = spec.origin if spec is not None else None
        if origin is not None:
            st = os.stat(origin)
            digest.update(f"{origin}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
        for location in (spec.submodule_search_locations or []) if spec is not None else []:
            version = Path(location) / "_version.py"
            if version.exists():
                digest.update(version.read_bytes())
    return digest.hexdigest()


def _config_text(config: LintConfig) -> str:
    """The parts of ``config`` a report depends on (not where it was read from)."""
    return repr((
        config.select, config.ignore, int(config.severity),
        sorted((rule, sorted(opts.items())) for rule, opts in config.options.items()),
        sorted((rule, int(sev)) for rule, sev in config.severities.items()),
        config.assume_in_transaction,
    ))


@dataclass(frozen=True)
class LintCache:
    """Lint reports stored as small JSON files under ``directory`` (safe to share between
    processes: each entry is written whole, then renamed into place)."""

    directory: Path
    _schemas: dict[int, tuple[Schema, bytes]] = field(default_factory=dict, repr=False, compare=False)
    """Digests of the existing schemas keyed so far (one pickle per schema, not one per file)."""

    def _schema_digest(self, existing: Schema) -> bytes:
        held = self._schemas.get(id(existing))
        if held is None or held[0] is not existing:
            held = self._schemas[id(existing)] = (existing, hashlib.sha256(pickle.dumps(existing, protocol=5)).digest())
        return held[1]

    def key(
        self, text: str, name: str, config: LintConfig, dialect: str, existing: Schema | None
    ) -> str | None:
        """The entry key of linting ``text`` with these inputs; ``None`` when one of them cannot
        be fingerprinted (the caller then lints without the cache)."""
        digest = hashlib.sha256()
        try:
            schema = b"" if existing is None else self._schema_digest(existing)
        except Exception:  # a schema value that does not pickle: never cache what we cannot key
            log.debug("existing schema cannot be fingerprinted; lint cache not used", exc_info=True)
            return None
        for part in (str(FORMAT), code_fingerprint(), dialect, name, _config_text(config)):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(schema)
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str | None) -> LintReport | None:
        """The report stored under ``key``, or ``None`` (absent, unreadable or of another format)."""
        if key is None:
            return None
        path = self._path(key)
        try:
            data: dict[str, Any] = json.loads(path.read_bytes())
            if data.get("format") != FORMAT or data.get("key") != key:
                return None
            report = LintReport(
                data["source"], tuple(diagnostic_from_json(d) for d in data["diagnostics"]),
                int(data["statements"]), int(data["skipped"]), suppressed=int(data["suppressed"]),
                fixable=frozenset(data["fixable"]), cached=True,
            )
        except FileNotFoundError:
            return None
        except Exception:  # a damaged entry is a miss, and is replaced by the next put
            log.debug("lint cache entry %s unreadable", path, exc_info=True)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: kept by pruning
        return report

    def put(self, key: str | None, report: LintReport) -> None:
        """Store ``report`` under ``key`` (a failure to write only costs the next run a miss)."""
        if key is None:
            return
        entry = {
            "format": FORMAT, "key": key, "source": report.source,
            "diagnostics": [diagnostic_json(d) for d in report.diagnostics],
            "statements": report.statements, "skipped": report.skipped,
            "suppressed": report.suppressed, "fixable": sorted(report.fixable),
        }
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(entry, out, ensure_ascii=False)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._prune(path.parent)
        except OSError:
            log.debug("lint cache entry %s not written", path, exc_info=True)

    def _prune(self, shard: Path) -> None:
        """Remove the shard's entries unused for :data:`MAX_AGE_DAYS` (and stale temp files)."""
        limit = time.time() - MAX_AGE_DAYS * 86400
        with contextlib.suppress(OSError):
            for entry in os.scandir(shard):
                if entry.name.endswith(".json") and entry.stat().st_mtime < limit:
                    Path(entry.path).unlink(missing_ok=True)

    def clear(self) -> int:
        """Remove every entry; the number removed."""
        removed = 0
        if not self.directory.is_dir():
            return 0
        for shard in self.directory.iterdir():
            if shard.is_dir() and len(shard.name) == 2:
                for entry in shard.glob("*.json"):
                    entry.unlink(missing_ok=True)
                    removed += 1
        return removed
