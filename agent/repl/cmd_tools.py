"""Slash commands over the verification tools: /check /lint /explain /advise /erd.

They call the typed API in-process (never the CLI) on the session's shared sandbox, and work
without a model.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dbarch.agent.repl import render

if TYPE_CHECKING:
    from dbarch.agent.repl.state import ReplState
    from dbarch.tools.datagen import Volumes
    from dbarch.tools.sql.source import SqlSource


def _usage(message: str, syntax: str) -> Exception:
    from dbarch.tools.errors import UsageError

    return UsageError(message, hint=f"usage: {syntax}")


def _words(arg: str, syntax: str) -> list[str]:
    try:
        return shlex.split(arg)
    except ValueError as exc:
        raise _usage(f"cannot read the arguments: {exc}", syntax) from None


def _read(path: str) -> SqlSource:
    from dbarch.tools.sql.source import read_sql

    return read_sql(str(Path(path).expanduser()))


def check(state: ReplState, arg: str) -> None:
    from dbarch.tools.check import check_sources

    files = _words(arg, "/check FILE...")
    if not files:
        raise _usage("name the SQL files to check", "/check FILE...")
    sources = [_read(f) for f in files]
    with state.console.status("checking in the sandbox..."):
        result = check_sources(sources, sandbox=state.sandbox())
    render.check_result(state.console, result, {s.name: s.text for s in sources})


def lint(state: ReplState, arg: str) -> None:
    from dbarch.tools.lint.config import load_config
    from dbarch.tools.lint.workflow import lint_text

    files = _words(arg, "/lint FILE...")
    if not files:
        raise _usage("name the SQL files to lint", "/lint FILE...")
    total = 0
    for source in (_read(f) for f in files):
        report = lint_text(source.text, source.name, load_config(Path(source.name)))
        render.findings(state.console, report.diagnostics, {source.name: source.text})
        total += len(report.diagnostics)
    style = "green" if not total else "yellow"
    state.console.print(f"[{style}]{total} lint finding(s) in {len(files)} file(s)[/]")


@dataclass
class _Workload:
    schema: list[SqlSource]
    queries: SqlSource
    volumes: Volumes
    analyze: bool
    budget_mb: float


def _workload(state: ReplState, arg: str, syntax: str) -> _Workload:
    """Leading options (``--rows``, ``--schema``, ``--analyze``, ``--budget-mb``), then the
    queries: a ``.sql`` file, or the query text itself."""
    from dbarch.agent.workspace_schema import workspace_schema
    from dbarch.tools.datagen import resolve_volumes
    from dbarch.tools.sql.source import SqlSource

    rest = arg.strip()
    rows, schema_files, analyze, budget = None, [], False, 1024.0
    while rest.startswith("--"):
        option, _, rest = rest.partition(" ")
        rest = rest.lstrip()
        if option == "--analyze":
            analyze = True
            continue
        if option not in ("--rows", "--schema", "--budget-mb"):
            raise _usage(f"unknown option {option}", syntax)
        value, _, rest = rest.partition(" ")
        rest = rest.lstrip()
        if not value:
            raise _usage(f"{option} needs a value", syntax)
        if option == "--rows":
            rows = value
        elif option == "--schema":
            schema_files.append(value)
        else:
            try:
                budget = float(value)
            except ValueError:
                raise _usage(f"--budget-mb needs a number, not {value!r}", syntax) from None
    if not rest:
        raise _usage("give a query, or a .sql file of queries", syntax)
    if rest.endswith(".sql") and " " not in rest:
        queries = _read(rest)
    else:
        queries = SqlSource("<query>", rest)
    schema = [_read(f) for f in schema_files] or [workspace_schema(state.ws())]
    return _Workload(schema, queries, resolve_volumes(rows), analyze, budget)


def explain(state: ReplState, arg: str) -> None:
    from dbarch.tools.perf.workload import explain_workload
    from dbarch.tools.render.perf import render_explanation

    syntax = "/explain [--rows SPEC] [--schema FILE] [--analyze] QUERY|FILE"
    w = _workload(state, arg, syntax)
    with state.console.status("loading synthetic data and explaining..."):
        done = explain_workload(w.schema, w.queries, w.volumes, sandbox=state.sandbox(),
                                analyze=w.analyze)
    for notice in done.data.notices:
        render.dim(state.console, f"note: {notice}")
    render.ansi(state.console, render_explanation(done))


def advise(state: ReplState, arg: str) -> None:
    from dbarch.tools.perf.workload import advise_workload
    from dbarch.tools.render.perf import render_advice

    syntax = "/advise [--rows SPEC] [--schema FILE] [--budget-mb N] QUERIES.sql|QUERY"
    w = _workload(state, arg, syntax)
    with state.console.status("trying index candidates in the sandbox..."):
        done = advise_workload(w.schema, w.queries, w.volumes, sandbox=state.sandbox(),
                               budget_mb=w.budget_mb, analyze=w.analyze)
    for notice in [*done.data.notices, *done.advice.notices]:
        render.dim(state.console, f"note: {notice}")
    render.ansi(state.console, render_advice(done))


def erd(state: ReplState, arg: str) -> None:
    from rich.syntax import Syntax

    from dbarch.agent.workspace_schema import workspace_schema
    from dbarch.memory.erd import erd_from_sql

    files = _words(arg, "/erd [FILE.sql]")
    if len(files) > 1:
        raise _usage("one schema file at most", "/erd [FILE.sql]")
    source = _read(files[0]) if files else workspace_schema(state.ws())
    diagram = erd_from_sql(source.text, source_name=source.name)
    state.console.print(Syntax(diagram, "text", word_wrap=True))
