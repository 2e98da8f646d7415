"""Lint speed and coverage, side by side with squawk and sqlfluff: ``python -m bench.bench_lint``.

Generates a 5,000-statement migration-like file (tables, indexes, alters, queries) and times
each tool the way a user runs it, as a whole process with its JSON reporter (median of 3):
``dbarch lint FILE --format json``, ``squawk --reporter json FILE`` (PyPI ``squawk-cli``) and
``sqlfluff lint --format json`` when installed. sqlfluff needs minutes for 5,000 statements, so
it is compared on a prefix (``--sqlfluff-n``, 500 by default) against dbarch on the same prefix.
Then dbarch's time in-process, split into parse, schema model, rules and JSON rendering, with
the garbage-collection policy the CLI uses. ``--compare`` runs the squawk comparison harness on
small migrations instead: what squawk flags that we do not.
"""

from __future__ import annotations

import argparse
import gc
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path


def generate(n: int = 5000) -> str:
    """A realistic mix: 1 in 5 statements creates a table, the rest index, alter and query it."""
    out: list[str] = []
    t = 0
    while len(out) < n:
        name = f"t{t}"
        out.append(
            f"CREATE TABLE {name} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
            f"owner_id bigint NOT NULL, email text, price float, created_at timestamp, "
            f"status text NOT NULL DEFAULT 'new');"
        )
        out.append(f"CREATE INDEX {name}_owner_idx ON {name} (owner_id);")
        out.append(f"ALTER TABLE {name} ADD COLUMN note text;")
        out.append(f"SELECT * FROM {name} WHERE owner_id = 42 AND created_at > now() - interval '1 day';")
        out.append(f"UPDATE {name} SET status = 'done' WHERE id = 7;")
        t += 1
    return "\n".join(out[:n]) + "\n"


Result = dict[str, object]


def _run(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    return time.perf_counter() - t0, proc


def _timed(cmd: list[str], repeat: int) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Median wall time of ``repeat`` runs of ``cmd`` (whole process), and the last run."""
    times, proc = [], None
    for _ in range(repeat):
        seconds, proc = _run(cmd)
        times.append(seconds)
    assert proc is not None
    return statistics.median(times), proc


def _exe(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def time_dbarch_cli(path: Path, repeat: int = 3) -> Result | None:
    exe = _exe("dbarch")
    if exe is None:
        return None
    # --no-cache: every run lints afresh (the lint cache would answer all but the first)
    seconds, proc = _timed([exe, "lint", str(path), "--format", "json", "--no-cache"], repeat)
    if proc.returncode not in (0, 1):
        return {"tool": "dbarch", "seconds": seconds, "findings": -1, "error": proc.stderr.strip()[-300:]}
    findings = json.loads(proc.stdout or "[]")
    top = Counter(d["rule"] for d in findings).most_common(5)
    return {"tool": "dbarch", "seconds": seconds, "findings": len(findings), "top": top}


def time_squawk(path: Path, repeat: int = 3) -> Result | None:
    exe = _exe("squawk")
    if exe is None:
        return None
    seconds, proc = _timed([exe, "--reporter", "json", str(path)], repeat)
    try:
        findings = len(json.loads(proc.stdout or "[]"))
    except json.JSONDecodeError:
        return {"tool": "squawk", "seconds": seconds, "findings": -1, "error": proc.stderr.strip()[-300:]}
    return {"tool": "squawk", "seconds": seconds, "findings": findings}


SQLFLUFF_CONFIG = """[sqlfluff]
dialect = postgres
# sqlfluff skips files over 20 kB unless told not to
large_file_skip_byte_limit = 0
# and gives up (one PRS error, nothing linted) past 100,000 parse nodes: about 1,000 statements
max_parse_nodes = 0
"""


def time_sqlfluff(path: Path, repeat: int = 1) -> Result | None:
    """sqlfluff's time and findings; a parse failure (``PRS``: nothing was linted) is reported
    as an error, never as a finding count."""
    exe = _exe("sqlfluff")
    if exe is None:
        return None
    config = path.with_name(".sqlfluff")
    config.write_text(SQLFLUFF_CONFIG)
    cmd = [exe, "lint", "--config", str(config), "--format", "json", "--processes", "1", str(path)]
    seconds, proc = _timed(cmd, repeat)
    try:
        violations = [v for f in json.loads(proc.stdout or "[]") for v in f.get("violations", [])]
    except json.JSONDecodeError:
        return {"tool": "sqlfluff", "seconds": seconds, "findings": -1, "error": proc.stderr.strip()[-300:]}
    failed = [v["description"] for v in violations if v.get("code") == "PRS"]
    if failed:
        return {"tool": "sqlfluff", "seconds": seconds, "findings": -1, "error": f"did not parse: {failed[0]}"}
    return {"tool": "sqlfluff", "seconds": seconds, "findings": len(violations)}


def breakdown(text: str) -> dict[str, float]:
    """dbarch in-process, phase by phase, with the CLI's garbage-collection policy
    (``agent/cli/main.py``: collect rarely in one-shot commands)."""
    from dbarch.tools.lint.engine import build_schema, lint_script
    from dbarch.tools.render import lint as render
    from dbarch.tools.sql.parse import parse_script

    thresholds = gc.get_threshold()
    gc.collect()
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    try:
        t0 = time.perf_counter()
        script = parse_script(text, source="bench.sql")
        t1 = time.perf_counter()
        schema = build_schema(script, None)
        t2 = time.perf_counter()
        report = lint_script(script, schema=schema)
        t3 = time.perf_counter()
        render.render_json([report])
        t4 = time.perf_counter()
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
    return {"parse": t1 - t0, "model": t2 - t1, "rules": t3 - t2, "render": t4 - t3}


def _line(res: Result, ours: float) -> str:
    seconds = float(res["seconds"])  # type: ignore[arg-type]
    ratio = f"{seconds / ours:6.1f}x dbarch's time" if res["tool"] != "dbarch" else ""
    found = f"{res['findings']:>6} findings" if res["findings"] != -1 else f"FAILED: {res.get('error')}"
    return f"  {res['tool']:<9} {seconds:8.2f} s  {found}  {ratio}"


def _versus(path: Path, tools: tuple[str, ...], repeat: int) -> list[Result]:
    timers = {"dbarch": time_dbarch_cli, "squawk": time_squawk, "sqlfluff": time_sqlfluff}
    results = []
    for tool in tools:
        res = timers[tool](path, repeat if tool != "sqlfluff" else 1)
        if res is not None:
            results.append(res)
    return results


MIGRATIONS = {
    "index on live table": "CREATE INDEX users_email_idx ON users (email);",
    "concurrent index": "CREATE INDEX CONCURRENTLY users_email_idx ON users (email);",
    "new table and its index": "CREATE TABLE t (id bigint PRIMARY KEY, a int);\nCREATE INDEX t_a_idx ON t (a);",
    "not null column": "ALTER TABLE users ADD COLUMN age int NOT NULL;",
    "set not null": "ALTER TABLE users ALTER COLUMN email SET NOT NULL;",
    "fk without not valid": "ALTER TABLE orders ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users (id);",
    "type change": "ALTER TABLE users ALTER COLUMN email TYPE varchar(100);",
    "rename column": "ALTER TABLE users RENAME COLUMN email TO mail;",
    "drop column": "ALTER TABLE users DROP COLUMN email;",
    "unique in place": "ALTER TABLE users ADD CONSTRAINT u UNIQUE (email);",
    "timestamp column": "ALTER TABLE users ADD COLUMN seen_at timestamp;",
    "truncate cascade": "TRUNCATE users CASCADE;",
}
CURRENT = (
    "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n"
    "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint);"
)


def compare_with_squawk() -> None:
    """For each migration: the rules squawk reports, and ours."""
    from dbarch.tools.lint.engine import lint_script
    from dbarch.tools.schema.from_sql import schema_from_sql
    from dbarch.tools.sql.parse import parse_script

    exe = _exe("squawk")
    existing = schema_from_sql(CURRENT)
    print(f"{'case':<26} {'squawk':<60} dbarch")
    with tempfile.TemporaryDirectory() as tmp:
        for case, sql in MIGRATIONS.items():
            ours = sorted({d.rule for d in lint_script(parse_script(sql), existing=existing).diagnostics})
            theirs: list[str] = []
            if exe:
                path = Path(tmp) / "m.sql"
                path.write_text(sql + "\n")
                _, proc = _run([exe, "--reporter", "json", str(path)])
                try:
                    theirs = sorted({v.get("rule_name", "?") for v in json.loads(proc.stdout or "[]")})
                except json.JSONDecodeError:
                    theirs = ["<unreadable>"]
            print(f"{case:<26} {', '.join(theirs) or '-':<60} {', '.join(ours) or '-'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=5000, help="statements to generate (default 5000)")
    parser.add_argument("--sqlfluff-n", type=int, default=500,
                        help="statements for the sqlfluff comparison (default 500; it needs minutes for 5,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per tool, median reported (default 3)")
    parser.add_argument("--compare", action="store_true", help="run the squawk comparison harness instead")
    args = parser.parse_args(argv)
    if args.compare:
        compare_with_squawk()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sql"
        text = generate(args.n)
        path.write_text(text)
        print(f"{args.n} statements, whole processes, JSON reporters, median of {args.repeat}:")
        results = _versus(path, ("dbarch", "squawk"), args.repeat)
        ours = float(results[0]["seconds"])  # type: ignore[arg-type]
        for res in results:
            print(_line(res, ours))
        squawk = next((r for r in results if r["tool"] == "squawk" and r["findings"] != -1), None)
        if squawk:
            print(f"  dbarch / squawk: {ours / float(squawk['seconds']):.1f}x (target <= 10x)")  # type: ignore[arg-type]
        print(f"  dbarch top findings: {results[0].get('top')}")

        if _exe("sqlfluff") is not None and args.sqlfluff_n:
            small = Path(tmp) / f"bench_{args.sqlfluff_n}.sql"
            small.write_text(generate(args.sqlfluff_n))
            print(f"{args.sqlfluff_n} statements (the first of the same mix; sqlfluff once, the others median of {args.repeat}):")
            results = _versus(small, ("dbarch", "squawk", "sqlfluff"), args.repeat)
            ours = float(results[0]["seconds"])  # type: ignore[arg-type]
            for res in results:
                print(_line(res, ours))
            fluff = next((r for r in results if r["tool"] == "sqlfluff" and r["findings"] != -1), None)
            if fluff:
                print(f"  sqlfluff / dbarch: {float(fluff['seconds']) / ours:.1f}x (target >= 10x)")  # type: ignore[arg-type]

    phases = breakdown(text)
    total = sum(phases.values())
    print(
        f"dbarch in-process on {args.n} statements ({total:.2f} s; the rest of the CLI time is "
        f"interpreter start-up and imports): "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in phases.items())
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
