"""The one caret renderer: every located finding prints the same way.

.. code-block:: text

    shop.sql:3:15: warning[prefer-timestamptz] [*] Use timestamptz, not timestamp (column at)
      |
    3 |   placed_at timestamp NOT NULL
      |             ^
      = hint: timestamptz stores an instant

The severity is a word, so it reads without colour (``--color never``, a log file, CI). A lint
diagnostic's code is its rule id; a server error's is its SQLSTATE (else the error's kind).
"""

from __future__ import annotations

from collections.abc import Sequence

from dbarch.tools.errors import DbarchError

RESET = "\x1b[0m"
BOLD, BLUE = "\x1b[1m", "\x1b[1;34m"
SEVERITY_COLOURS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}


def paint(text: str, code: str, colour: bool) -> str:
    """``text`` in the ANSI colour ``code`` when ``colour`` is on."""
    return f"{code}{text}{RESET}" if colour else text


def render_finding(
    severity: str,
    code: str | None,
    message: str,
    *,
    file: str | None,
    line: int | None,
    column: int | None,
    hint: str | None = None,
    lines: Sequence[str] = (),
    colour: bool = False,
    mark: str = "",
) -> list[str]:
    """The lines of one finding: ``where: severity[code] message``, the source line of ``lines``
    (the file's text, split) with a caret under ``column``, and the hint. ``mark`` follows the
    code (``[*]`` for a fixable finding)."""
    shade = SEVERITY_COLOURS.get(severity, SEVERITY_COLOURS["error"])
    where = ":".join(str(p) for p in (file, line, column) if p is not None)
    label = paint(f"{severity}[{code}]" if code else severity, shade, colour)
    head = f"{paint(where + ':', BOLD, colour)} " if where else ""
    out = [f"{head}{label}{' ' + mark if mark else ''} {message}"]
    gutter = " " * len(str(line or ""))
    if line and 1 <= line <= len(lines):
        source = lines[line - 1].rstrip("\n")
        pad = "".join(c if c == "\t" else " " for c in source[: max(0, (column or 1) - 1)])
        bar = paint("|", BLUE, colour)
        out += [
            f"{gutter} {bar}",
            f"{paint(str(line), BLUE, colour)} {bar} {source}",
            f"{gutter} {bar} {pad}{paint('^', shade, colour)}",
        ]
    if hint:
        out.append(f"{gutter} = hint: {hint}")
    return out


def render_error(err: DbarchError, lines: Sequence[str] = (), *, colour: bool = False) -> list[str]:
    """An error (parse, server) as a finding: code = its SQLSTATE, or its kind."""
    return render_finding(
        "error", err.sqlstate or err.kind, err.message, file=err.file, line=err.line,
        column=err.column, hint=err.hint, lines=lines, colour=colour,
    )
