"""Lint speed and coverage, side by side with squawk and sqlfluff: ``python -m bench.bench_lint``.

Generates a 5,000-statement migration-like file (tables, indexes, alters, queries), times
``dbarch lint`` in-process (split into parse, schema model and rules), then squawk (PyPI
``squawk-cli``) and sqlfluff when installed, and prints time, findings and ratios. ``--compare``
runs the squawk comparison harness on small migrations: what squawk flags that we do not.
"""

from __future__ import annotations

import argparse
import json
import shutil
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


def time_dbarch(text: str) -> dict[str, object]:
    from tools.lint.engine import build_schema, lint_script
    from tools.parse import parse_script

    t0 = time.perf_counter()
    script = parse_script(text, source="bench.sql")
    t1 = time.perf_counter()
    build_schema(script, None)
    t2 = time.perf_counter()
    report = lint_script(script)
    t3 = time.perf_counter()
    per_rule = Counter(d.rule for d in report.diagnostics)
    return {
        "tool": "dbarch",
        "seconds": t1 - t0 + (t3 - t2),
        "parse": t1 - t0,
        "model": t2 - t1,
        "lint (model + rules)": t3 - t2,
        "findings": len(report.diagnostics),
        "top": per_rule.most_common(5),
    }


def _run(cmd: list[str]) -> tuple[float, subprocess.CompletedProcess[str]]:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    return time.perf_counter() - t0, proc


def _exe(name: str) -> str | None:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name)


def time_squawk(path: Path) -> dict[str, object] | None:
    exe = _exe("squawk")
    if exe is None:
        return None
    seconds, proc = _run([exe, "--reporter", "json", str(path)])
    try:
        findings = len(json.loads(proc.stdout or "[]"))
    except json.JSONDecodeError:
        findings = proc.stdout.count("\n")
    return {"tool": "squawk", "seconds": seconds, "findings": findings}


def time_sqlfluff(path: Path) -> dict[str, object] | None:
    exe = _exe("sqlfluff")
    if exe is None:
        return None
    config = path.with_name(".sqlfluff")  # sqlfluff skips files over 20 kB unless told not to
    config.write_text("[sqlfluff]\ndialect = postgres\nlarge_file_skip_byte_limit = 0\n")
    cmd = [exe, "lint", "--config", str(config), "--format", "json", "--processes", "1", str(path)]
    seconds, proc = _run(cmd)
    try:
        findings = sum(len(f.get("violations", [])) for f in json.loads(proc.stdout or "[]"))
    except json.JSONDecodeError:
        findings = -1
    return {"tool": "sqlfluff", "seconds": seconds, "findings": findings}


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
    from tools.lint.engine import lint_script
    from tools.model_sql import schema_from_sql
    from tools.parse import parse_script

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
    parser.add_argument("--compare", action="store_true", help="run the squawk comparison harness instead")
    args = parser.parse_args(argv)
    if args.compare:
        compare_with_squawk()
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sql"
        path.write_text(generate(args.n))
        results = [time_dbarch(path.read_text())]
        for timer in (time_squawk, time_sqlfluff):
            res = timer(path)
            if res is not None:
                results.append(res)
    ours = float(results[0]["seconds"])  # type: ignore[arg-type]
    print(f"{args.n} statements")
    for res in results:
        seconds = float(res["seconds"])  # type: ignore[arg-type]
        ratio = f"{seconds / ours:.2f}x dbarch's time" if res["tool"] != "dbarch" else ""
        print(f"{res['tool']:<9} {seconds:8.2f} s  {res['findings']:>6} findings  {ratio}")
    r = results[0]
    rules = float(r["lint (model + rules)"]) - float(r["model"])  # type: ignore[arg-type]
    print(
        f"dbarch breakdown: parse {r['parse']:.2f} s, schema model {r['model']:.2f} s, "
        f"rules {rules:.2f} s (lint = model + rules {r['lint (model + rules)']:.2f} s); top findings {r['top']}"
    )
    squawk = next((float(x["seconds"]) for x in results if x["tool"] == "squawk"), None)  # type: ignore[arg-type]
    if squawk:
        print(f"dbarch / squawk: {ours / squawk:.1f}x (target <= 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
