"""``dbarch erd``: the Mermaid ER diagram of a schema (a SQL file, or the workspace's schema)."""

from __future__ import annotations

import argparse
import sys

from dbarch.agent.cli.common import dialect_arg


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "erd",
        help="print the Mermaid ER diagram of a schema",
        description="Print a Mermaid erDiagram for FILE.sql (or, without FILE, for the schema in "
        "the workspace's 00_soul.md): primary and foreign keys marked, cardinality from "
        "nullability and uniqueness. --format svg renders it with the Mermaid CLI (mmdc) when "
        "that is installed.",
    )
    p.add_argument("file", nargs="?", metavar="FILE.sql", help="SQL file, or - for standard input")
    p.add_argument("--workspace", default=".", metavar="DIR", help="workspace whose schema to draw")
    p.add_argument("--dialect", default="postgres", type=dialect_arg,
                   help="SQL dialect of FILE (default: postgres); an unknown name is an error")
    p.add_argument("--format", choices=("mermaid", "svg"), default="mermaid")
    p.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of standard output"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import shutil

    from dbarch.memory.erd import erd_from_sql

    if args.format == "svg" and shutil.which("mmdc") is None:
        print(
            "dbarch: cannot render SVG: the Mermaid CLI (mmdc) is not on PATH; install it "
            "(npm install -g @mermaid-js/mermaid-cli) or use the Mermaid text output",
            file=sys.stderr,
        )
        return 2
    if args.file:
        from dbarch.tools.sql.source import read_sql

        source = read_sql(args.file)
        text, name = source.text, source.name
    else:
        from dbarch.memory import Workspace, read_schema_sql

        text, name = read_schema_sql(Workspace(args.workspace)), "00_soul.md"
    diagram = erd_from_sql(text, source_name=name, dialect=args.dialect) + "\n"
    if args.format == "svg":
        return _render_svg(diagram, args.output)
    if args.output:
        from pathlib import Path

        Path(args.output).write_text(diagram, encoding="utf-8")
    else:
        sys.stdout.write(diagram)
    return 0


def _render_svg(diagram: str, output: str | None) -> int:
    import subprocess
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "erd.mmd", Path(tmp) / "erd.svg"
        source.write_text(diagram, encoding="utf-8")
        done = subprocess.run(
            ["mmdc", "-i", str(source), "-o", str(target)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0 or not target.exists():
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            print(f"dbarch: mmdc failed: {last[0]}", file=sys.stderr)
            return 2
        svg = target.read_text(encoding="utf-8")
    if output:
        Path(output).write_text(svg, encoding="utf-8")
    else:
        sys.stdout.write(svg)
    return 0
