"""Synthetic data at stated volumes, generated server-side for any schema.

``generate_data(conn, volumes)`` fills a (scratch) database; ``resolve_volumes("orders=1m")``
reads the ``--rows`` option. See :mod:`tools.datagen.plan` for how each constraint is honoured.
"""

from dbarch.tools.datagen.generate import DatagenResult, TableLoad, generate_data
from dbarch.tools.datagen.plan import Options
from dbarch.tools.datagen.volumes import (
    DEFAULT_ROWS,
    Volumes,
    load_volume_file,
    parse_rows,
    resolve_volumes,
)

__all__ = [
    "DEFAULT_ROWS",
    "DatagenResult",
    "Options",
    "TableLoad",
    "Volumes",
    "generate_data",
    "load_volume_file",
    "parse_rows",
    "resolve_volumes",
]
