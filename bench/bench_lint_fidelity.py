"""Lint fidelity in one run: ``python bench/bench_lint_fidelity.py``.

1. Recall per squawk rule family on our own labelled snippets
   (``tests/fixtures/lint/families/*.sql``): the share of snippets where one of the family's
   dbarch rules fires.
2. Discrimination on our paired corpus (``tests/fixtures/lint/pairs/*.sql``): the share of
   dangerous migrations flagged (a finding at warning or above) minus the share of their safe
   rewrites flagged, each linted against the schema that exists before it.
3. Findings per table on sample databases (pagila, Chinook and Northwind from ``bench/schemas/``, plus any
   folder given with ``--samples``), as a new user runs ``dbarch lint`` on them.
4. Time against squawk on a real migration history (``bench/data/migrations/*.sql``
   concatenated, or ``--history FILE``): whole processes, the median of 5 runs each; dbarch
   cold (``--no-cache``) and warm (the unchanged file's report read from the lint cache),
   each as a ratio to squawk. Needs ``pip install squawk-cli``.

Always exits 0: a report, not a gate (tests hold the limits).
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dbarch.tools.lint.base import Severity  # noqa: E402
from dbarch.tools.lint.corpus import load_families, load_pairs  # noqa: E402
from dbarch.tools.lint.engine import lint_script  # noqa: E402
from dbarch.tools.schema.from_sql import schema_from_sql  # noqa: E402
from dbarch.tools.sql.parse import ParsedScript, parse_script  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "lint"
DATA = ROOT / "bench" / "data"


def recall() -> None:
    cases = load_families(FIXTURES / "families")
    hits: dict[str, list[bool]] = {}
    misses = []
    for c in cases:
        existing = schema_from_sql(c.existing) if c.existing else None
        report = lint_script(parse_script(c.sql), existing=existing, assume_in_transaction=c.assume_in_transaction)
        hit = bool({d.rule for d in report.diagnostics} & set(c.rules))
        hits.setdefault(c.family, []).append(hit)
        if not hit:
            misses.append(f"{c.family}: {c.name} ({c.where})")
    total = sum(sum(v) for v in hits.values())
    n = sum(len(v) for v in hits.values())
    print(f"== 1. recall per squawk family ({n} snippets of our own)")
    for family, v in sorted(hits.items()):
        print(f"  {family:46} {sum(v):>3}/{len(v):<3} {sum(v) / len(v):.2f}")
    print(f"  {'overall':46} {total:>3}/{n:<3} {total / n:.3f}")
    for m in misses:
        print(f"  missed: {m}")


def discrimination() -> None:
    pairs = load_pairs(FIXTURES / "pairs")
    bad = safe = 0
    notes = []
    for p in pairs:
        existing = schema_from_sql(p.existing)
        found = []
        for sql in (p.bad, p.safe):
            report = lint_script(parse_script(sql), existing=existing,
                                 assume_in_transaction=p.assume_in_transaction, min_severity=Severity.WARNING)
            found.append(sorted({d.rule for d in report.diagnostics}))
        bad += bool(found[0])
        safe += bool(found[1])
        if not found[0] or found[1]:
            notes.append(f"{p.name}: bad={found[0]} safe={found[1]}")
    n = len(pairs)
    print(f"\n== 2. discrimination on {n} (dangerous, safe, existing schema) pairs of our own")
    print(f"  bad flagged {bad}/{n} = {bad / n:.2f}; safe flagged {safe}/{n} = {safe / n:.2f}; "
          f"discrimination = {(bad - safe) / n:.2f}")
    for note in notes:
        print(f"  {note}")


SAMPLE_SCHEMAS = ("chinook", "northwind", "pagila")
"""Public sample databases in ``bench/schemas/`` (sources and licences in its README)."""


def samples(extra: list[Path]) -> None:
    schemas = Path(__file__).resolve().parent / "schemas"
    folders = [schemas / f"{name}.sql" for name in SAMPLE_SCHEMAS if (schemas / f"{name}.sql").exists()] + extra
    print("\n== 3. findings per table on sample databases (`dbarch lint` defaults)")
    if not folders:
        print("  no sample databases (bench/schemas/<name>.sql or --samples DIR)")
    for folder in folders:
        files = sorted(folder.glob("*.sql")) if folder.is_dir() else [folder]
        text = "\n".join(f.read_text(encoding="utf-8", errors="replace") for f in files)
        t0 = time.perf_counter()
        script = parse_script(text, source=folder.stem if folder.is_file() else folder.name)
        report = lint_script(script)
        seconds = time.perf_counter() - t0
        spans = table_spans(script)
        tables = {m.group(1).replace('"', "").split(".")[-1].lower() for st in script.statements
                  if (m := _CREATE_TABLE.match(st.text))}
        per_table = Counter(next((n for a, b, n in spans if a <= d.line <= b), "(no table)") for d in report.diagnostics)
        by_rule = Counter(d.rule for d in report.diagnostics)
        per = len(report.diagnostics) / len(tables) if tables else float("nan")
        print(f"  {folder.stem if folder.is_file() else folder.name}: {len(report.diagnostics)} findings on {len(tables)} tables "
              f"({per:.2f} per table), {report.skipped} statements not analysed, {seconds:.2f} s")
        print("    by rule:  " + ", ".join(f"{r} {n}" for r, n in by_rule.most_common()))
        print("    by table: " + ", ".join(f"{t} {n}" for t, n in sorted(per_table.items())))


_TABLE_STATEMENT = re.compile(
    r"(?:create\s+(?:unlogged\s+)?table|alter\s+table(?:\s+only)?|create\s+(?:unique\s+)?index\s+\S*\s*on(?:\s+only)?"
    r"|insert\s+into)\s+(?:if\s+not\s+exists\s+)?([\w.\"]+)", re.I)


_CREATE_TABLE = re.compile(r"\s*create\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?([\w.\"]+)", re.I)


def table_spans(script: ParsedScript) -> list[tuple[int, int, str]]:
    """(first line, last line, table) of each statement about one table, to count findings per table."""
    spans = []
    for st in script.statements:
        m = _TABLE_STATEMENT.search(st.text)
        if m:
            spans.append((st.line, st.line + st.text.count("\n"), m.group(1).replace('"', "").split(".")[-1].lower()))
    return spans


def _median_seconds(cmd: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def speed(history: Path | None, repeat: int) -> None:
    """dbarch against squawk on one migration history, as whole processes: dbarch cold (every
    statement parsed and linted: ``--no-cache``) and warm (the file unchanged since the last
    run: its report read back from the lint cache), each as a ratio to squawk."""
    print("\n== 4. time against squawk on a real migration history")
    files = [history] if history else sorted((DATA / "migrations").glob("*.sql"))
    if not files:
        print("  no migration history (bench/data/migrations/*.sql or --history FILE)")
        return
    squawk = shutil.which("squawk") or str(Path(sys.executable).with_name("squawk"))
    dbarch = shutil.which("dbarch") or str(Path(sys.executable).with_name("dbarch"))
    if not Path(squawk).exists():
        print("  squawk not found: pip install squawk-cli")
        return
    with tempfile.TemporaryDirectory(prefix="dbarch-fidelity-") as tmp:
        path = Path(tmp) / "history.sql"
        path.write_text("\n".join(f.read_text(encoding="utf-8") for f in files), encoding="utf-8")
        lines = path.read_text(encoding="utf-8").count("\n")
        lint = [dbarch, "lint", str(path), "--format", "json", "--no-config"]
        cache = ["--cache-dir", str(Path(tmp) / "cache")]
        theirs = _median_seconds([squawk, "--reporter", "json", str(path)], repeat)
        cold = _median_seconds([*lint, "--no-cache"], repeat)
        subprocess.run([*lint, *cache], capture_output=True, timeout=600)  # fills the cache
        warm = _median_seconds([*lint, *cache], repeat)
        stages = _stages(path)
    print(f"  {lines} lines ({', '.join(f.name for f in files)[:80]}); median of {repeat} runs each")
    print("  where a cold run's time goes (CPU, one run): " + ", ".join(f"{k} {v:.3f} s" for k, v in stages.items()))
    print(f"  squawk {theirs:.3f} s")
    for label, ours in (("cold (--no-cache)", cold), ("warm (unchanged file)", warm)):
        ratio = ours / theirs
        verdict = "within" if ratio <= 10 else "NOT within"
        print(f"  dbarch {label:22} {ours:.3f} s: {ratio:5.1f}x squawk ({verdict} the 10x goal)")


_STAGES = """
import sys, time
t0 = time.process_time()
from dbarch.tools.lint.engine import build_schema, lint_script
from dbarch.tools.sql.parse import parse_script
t1 = time.process_time()
text = open(sys.argv[1], encoding="utf-8").read()
script = parse_script(text)
t2 = time.process_time()
schema = build_schema(script, None)
t3 = time.process_time()
lint_script(script, schema=schema)
t4 = time.process_time()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def _stages(path: Path) -> dict[str, float]:
    """CPU seconds of a cold lint in a fresh process: imports, parsing (PostgreSQL's grammar to
    validate, sqlglot to analyse), the schema model, the rules."""
    out = subprocess.run([sys.executable, "-c", _STAGES, str(path)], capture_output=True, text=True, timeout=600)
    try:
        values = [float(v) for v in out.stdout.split()]
    except ValueError:
        return {"failed": float("nan")}
    return dict(zip(("imports", "parsing", "schema model", "rules"), values, strict=False))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=Path, action="append", default=[], help="another sample database folder")
    ap.add_argument("--history", type=Path, help="a concatenated migration history")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args(argv)
    import logging

    logging.getLogger("sqlglot").setLevel(logging.CRITICAL)  # an entry point: its own logging
    recall()
    discrimination()
    samples(args.samples)
    speed(args.history, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
