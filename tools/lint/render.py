"""Lint renderers live in :mod:`dbarch.tools.render.lint` (every renderer is in one place);
this module keeps the old import path working."""

from dbarch.tools.render.lint import (
    DOCS_PATH,
    SARIF_SCHEMA,
    render_diagnostic,
    render_diff,
    render_github,
    render_json,
    render_sarif,
    render_text,
)

__all__ = [
    "DOCS_PATH",
    "SARIF_SCHEMA",
    "render_diagnostic",
    "render_diff",
    "render_github",
    "render_json",
    "render_sarif",
    "render_text",
]
