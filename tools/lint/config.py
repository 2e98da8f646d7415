"""Lint configuration from ``[tool.dbarch.lint]`` in the nearest ``pyproject.toml``.

.. code-block:: toml

    [tool.dbarch.lint]
    select = ["integrity", "indexes", "prefer-timestamptz"]   # ids, families or id prefixes
    ignore = ["require-on-delete"]
    severity = "warning"                                      # report this and above
    assume-in-transaction = true                              # the runner wraps each file in BEGIN/COMMIT

    [tool.dbarch.lint.rules.too-many-indexes]
    max-indexes = 12                                          # a rule's own option
    severity = "error"                                        # change a rule's severity
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from dbarch.tools.errors import LintError
from dbarch.tools.lint.findings import Severity


@dataclass(frozen=True, slots=True)
class LintConfig:
    """Which rules run, at which severity, with which options: built by the caller (defaults,
    :func:`load_config`, :func:`read_config`, :meth:`with_overrides`) and passed to lint."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    severity: Severity = Severity.INFO
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Per-rule options keyed by rule id (``{"too-many-indexes": {"max-indexes": 12}}``)."""
    severities: dict[str, Severity] = field(default_factory=dict)
    """Per-rule severity overrides."""
    path: Path | None = None
    """The pyproject.toml read, ``None`` when none was found."""
    assume_in_transaction: bool = False
    """The migration runner wraps each file in a transaction (``assume-in-transaction = true``)."""

    def with_overrides(
        self,
        *,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        severity: Severity | None = None,
        assume_in_transaction: bool | None = None,
    ) -> LintConfig:
        """This configuration with a caller's choices on top (the command line's, say):
        ``select`` replaces the selection, ``ignore`` adds to it, ``severity`` replaces it."""
        return replace(
            self,
            select=self.select if select is None else tuple(select),
            ignore=(*self.ignore, *ignore),
            severity=self.severity if severity is None else severity,
            assume_in_transaction=self.assume_in_transaction if assume_in_transaction is None else assume_in_transaction,
        )


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` in ``start`` or a parent folder."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def parse_severity(value: object, where: str) -> Severity:
    """``value`` as a :class:`Severity`; a :class:`LintError` naming ``where`` otherwise."""
    try:
        return Severity.parse(str(value))
    except KeyError:
        raise LintError(
            f"unknown severity {value!r} in {where}", hint="use error, warning or info"
        ) from None


def _names(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(p.strip() for p in value.split(",") if p.strip())
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise LintError(f"{where} must be a list of rule ids or families")


def config_from_table(table: dict[str, Any], path: Path | None = None) -> LintConfig:
    """A ``[tool.dbarch.lint]`` table (read from ``path``) as a :class:`LintConfig`."""
    where = f"{path or 'pyproject.toml'} [tool.dbarch.lint]"
    known = {"select", "ignore", "severity", "rules", "assume-in-transaction"}
    unknown = sorted(set(table) - known)
    if unknown:
        raise LintError(f"unknown key {unknown[0]!r} in {where}", hint="keys: " + ", ".join(sorted(known)))
    options: dict[str, dict[str, Any]] = {}
    severities: dict[str, Severity] = {}
    rules = table.get("rules", {})
    if not isinstance(rules, dict):
        raise LintError(f"{where}: rules must be a table of rule ids")
    for rule_id, opts in rules.items():
        if not isinstance(opts, dict):
            raise LintError(f"{where}: rules.{rule_id} must be a table of options")
        opts = dict(opts)
        if "severity" in opts:
            severities[rule_id] = parse_severity(opts.pop("severity"), f"{where} rules.{rule_id}")
        options[rule_id] = opts
    assume = table.get("assume-in-transaction", False)
    if not isinstance(assume, bool):
        raise LintError(f"{where}: assume-in-transaction must be true or false")
    return LintConfig(
        assume_in_transaction=assume,
        select=_names(table["select"], f"{where} select") if "select" in table else None,
        ignore=_names(table.get("ignore", []), f"{where} ignore"),
        severity=parse_severity(table.get("severity", "info"), where),
        options=options,
        severities=severities,
        path=path,
    )


def load_config(start: Path) -> LintConfig:
    """The configuration that applies to files in ``start`` (a folder or a file): the nearest
    ``pyproject.toml``'s ``[tool.dbarch.lint]``, or the defaults when there is none."""
    path = find_pyproject(start)
    if path is None:
        return LintConfig()
    return read_config(path)


def read_config(path: Path) -> LintConfig:
    """``[tool.dbarch.lint]`` of the ``pyproject.toml`` at ``path``."""
    if not path.is_file():
        raise LintError("no such configuration file", file=str(path))
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise LintError(f"cannot read {path}: {exc}", file=str(path)) from None
    table = data.get("tool", {}).get("dbarch", {}).get("lint")
    if table is None:
        return LintConfig(path=path)
    if not isinstance(table, dict):
        raise LintError(f"{path}: [tool.dbarch.lint] must be a table", file=str(path))
    return config_from_table(table, path)
