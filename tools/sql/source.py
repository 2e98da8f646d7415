"""Reading SQL input (a file or standard input) into text, refusing what is not SQL text.

Every refusal is an :class:`~tools.errors.InputError` that says what and where, never a
traceback: a missing file, a folder, an empty file, binary content, bytes that are not UTF-8
(with the line and column of the first bad byte), a file over the size limit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from dbarch.tools.errors import InputError, position_at

DEFAULT_MAX_BYTES = 8 * 1024 * 1024
"""Largest SQL input read by default (8 MiB); ``--max-bytes`` raises it where a command has it."""


def _too_large_hint(limit_option: str | None) -> str:
    hint = "check a schema-only dump (pg_dump --schema-only)"
    return f"{hint} or raise the limit with {limit_option}" if limit_option else hint


@dataclass(frozen=True, slots=True)
class SqlSource:
    """SQL text and where it came from (a path, or ``<stdin>``)."""

    name: str
    text: str


def decode_sql(
    data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, limit_option: str | None = None
) -> SqlSource:
    """Decode raw bytes as SQL text, or raise :class:`InputError` saying why not.

    ``limit_option``: the option that raises the size limit, named in the hint when the
    caller has one (``--max-bytes``)."""
    if len(data) > max_bytes:
        raise InputError(
            f"input is {len(data) / 1_048_576:.1f} MiB, over the {max_bytes / 1_048_576:.0f} MiB limit",
            file=name,
            hint=_too_large_hint(limit_option),
        )
    if b"\x00" in data[:65536]:
        raise InputError(
            "input looks binary (it contains NUL bytes), not SQL text",
            file=name,
            hint="a custom-format pg_dump must be turned into SQL first: pg_restore -f out.sql FILE",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8", errors="replace")
        pos = position_at(good, len(good))
        raise InputError(
            f"input is not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})",
            file=name,
            line=pos.line,
            column=pos.column,
            hint="convert it first, e.g. iconv -f latin1 -t utf-8",
        ) from None
    if not text.strip():
        raise InputError("input is empty: there is no SQL to check", file=name)
    return SqlSource(name=name, text=text)


def read_sql(path: str, *, max_bytes: int = DEFAULT_MAX_BYTES, limit_option: str | None = None) -> SqlSource:
    """Read ``path`` (``-`` for standard input) as SQL text (``limit_option``: see
    :func:`decode_sql`)."""
    if path == "-":
        return decode_sql(sys.stdin.buffer.read(max_bytes + 1), "<stdin>", max_bytes=max_bytes,
                          limit_option=limit_option)
    p = Path(path)
    if not p.exists():
        raise InputError("no such file", file=path, hint="check the path")
    if p.is_dir():
        raise InputError("is a folder, not a SQL file", file=path, hint="name the .sql files inside it")
    try:
        size = p.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"file is {size / 1_048_576:.1f} MiB, over the {max_bytes / 1_048_576:.0f} MiB limit",
                file=path,
                hint=_too_large_hint(limit_option),
            )
        data = p.read_bytes()
    except PermissionError:
        raise InputError("permission denied", file=path, hint="check the file's permissions") from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None
    return decode_sql(data, path, max_bytes=max_bytes, limit_option=limit_option)
