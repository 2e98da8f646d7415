"""rich output shared by the slash commands and the turns.

Findings, check verdicts and plans go through the one set of renderers (:mod:`dbarch.tools.render`,
in ANSI colour) and are shown by rich as they are; errors are one red line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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


def ansi(console: Console, text: str) -> None:
    """Text from a :mod:`dbarch.tools.render` renderer (ANSI colours) as rich shows it."""
    console.print(Text.from_ansi(text.rstrip("\n")))


def findings(console: Console, diagnostics: Iterable[Diagnostic], texts: Mapping[str, str]) -> None:
    from dbarch.tools.render.lint import render_diagnostic

    lines = {name: text.splitlines() for name, text in texts.items()}
    for d in diagnostics:
        ansi(console, "\n".join(render_diagnostic(d, lines.get(d.file or "", ()), colour=True)))


def check_result(console: Console, result: CheckResult, texts: Mapping[str, str]) -> None:
    """Every error and finding, then the one-line verdict (and why it failed)."""
    from dbarch.tools.render.check import render_check

    ansi(console, render_check(result, texts, colour=True))
    if result.passed:
        console.print(Text("passed", style="green"))


def markdown_file(console: Console, text: str) -> None:
    from rich.markdown import Markdown

    console.print(Markdown(text, code_theme="monokai"))


def dim(console: Console, message: str) -> None:
    console.print(f"[dim]{escape(message)}[/]")
