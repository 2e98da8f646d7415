"""The requirement-test renderer lives in :mod:`dbarch.tools.render.reqtest` (every renderer is
in one place); this module keeps the old import path working."""

from dbarch.tools.render.reqtest import render_failures, render_report

__all__ = ["render_failures", "render_report"]
