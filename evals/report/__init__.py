"""Run reports: Markdown and a self-contained HTML page (inline SVG, no external resource)."""
