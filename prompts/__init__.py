"""The architect's prompts, kept as text files beside this module.

Each prompt is a Markdown file whose front matter names its version::

    ---
    version: architect-2026.11.30
    ---
    You are ...

:func:`load_prompt` returns the text (front matter removed) and that version, which every
answer reports (``DesignResult.prompt_version``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
_FRONT = re.compile(r"\A---[ \t]*\n(?P<head>.*?)\n---[ \t]*\n", re.S)


@dataclass(frozen=True, slots=True)
class Prompt:
    name: str
    version: str
    text: str


@cache
def load_prompt(name: str = "architect") -> Prompt:
    """The prompt ``prompts/<name>.md`` with its version from the front matter."""
    path = HERE / f"{name}.md"
    raw = path.read_text(encoding="utf-8")
    match = _FRONT.match(raw)
    meta: dict[str, str] = {}
    if match:
        for line in match.group("head").splitlines():
            key, sep, value = line.partition(":")
            if sep:
                meta[key.strip()] = value.strip()
        raw = raw[match.end() :]
    version = meta.get("version")
    if not version:
        raise ValueError(f"{path}: the front matter has no 'version:' line")
    return Prompt(name, version, raw.strip() + "\n")
