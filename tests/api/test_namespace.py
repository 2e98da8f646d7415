"""dbarch embeds in a project that has its own ``tools/`` and ``memory/`` packages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
import tools, memory                      # the host project's packages, first on sys.path
assert tools.OWNER == "host" and memory.OWNER == "host", (tools, memory)
from dbarch.tools.check import check_sources
from dbarch.tools.sql.source import SqlSource
from dbarch.memory import Workspace
result = check_sources([SqlSource("s.sql", "CREATE TABLE t (id bigint PRIMARY KEY);")], apply=False)
assert result.passed and result.tables == ("t",), result
assert tools.OWNER == "host" and sys.modules["tools"] is tools
import dbarch.tools
print(dbarch.tools.__file__)
"""


def test_the_api_imports_beside_a_host_project_with_its_own_tools_and_memory(tmp_path: Path) -> None:
    for name in ("tools", "memory", "agent"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text('OWNER = "host"\n')
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=tmp_path, env=env, capture_output=True,
                         text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert not out.stdout.strip().startswith(str(tmp_path))  # ours, not the host's
