"""rich rendering shared by the slash commands and the turns: errors, findings, summaries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.markup import escape
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console

    from dbarch.tools.check import CheckResult
    from dbarch.tools.errors import DbarchError
    from dbarch.tools.lint.base import Diagnostic


def error_line(console: Console, message: str) -> None:
    """The one red line an error becomes."""
    console.print(Text(f"error: {message}", style="bold red"))


def dbarch_error(console: Console, err: DbarchError) -> None:
    error_line(console, err.one_line())


def located(console: Console, label: str, message: str, texts: dict[str, str], *, file: str | None,
            line: int | None, column: int | None, hint: str | None, style: str) -> None:
    """``file:line:col: label message``, the source line with a caret, and the hint."""
    from dbarch.agent.cli.common import render_located

    block = render_located(label, message, texts, file=file, line=line, column=column, hint=hint)
    first, *rest = block.splitlines()
    console.print(Text(first, style=style))
    for extra in rest:
        console.print(Text(extra, style="dim" if not extra.lstrip().startswith("^") else style))


def findings(console: Console, diagnostics: Iterable[Diagnostic], texts: dict[str, str]) -> None:
    for d in diagnostics:
        severity = str(d.severity)
        style = {"error": "red", "warning": "yellow"}.get(severity, "cyan")
        located(console, f"{severity}[{d.rule}]", d.message, texts, file=d.file, line=d.line,
                column=d.column, hint=d.hint, style=style)


def check_result(console: Console, result: CheckResult, texts: dict[str, str]) -> None:
    """Every error and finding, then the one-line verdict a person reads first."""
    for err in result.errors:
        label = f"error[{err.sqlstate}]" if err.sqlstate else "error"
        located(console, label, err.message, texts, file=err.file, line=err.line, column=err.column,
                hint=err.hint, style="red")
    findings(console, result.lint, texts)
    for note in result.notes:
        console.print(Text(f"note: {note.message}", style="dim"))
    ms = sum(result.timings_ms.values())
    verdict = (
        "applied cleanly in the sandbox" if result.applied
        else "not applied (errors above)" if result.apply_attempted
        else "not applied (no sandbox for this dialect)"
    )
    style = "green" if result.passed else "red" if result.errors or result.lint_errors() else "yellow"
    console.print(Text(
        f"{', '.join(result.sources)}: {result.statements} statements, {len(result.tables)} tables, "
        f"{len(result.errors)} errors, {len(result.lint)} lint findings; {verdict} ({ms:.0f} ms); "
        + ("passed" if result.passed else "NOT passed"),
        style=style,
    ))


def markdown_file(console: Console, text: str) -> None:
    from rich.markdown import Markdown

    console.print(Markdown(text, code_theme="monokai"))


def dim(console: Console, message: str) -> None:
    console.print(f"[dim]{escape(message)}[/]")
