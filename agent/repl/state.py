"""One REPL session's state: settings, workspace, thread, the shared sandbox and the agent.

The sandbox starts in a background thread when the session opens (so the first ``/check``
finds it warm) and is shared by every command and turn; the agent is built on the first
question only (importing LangGraph and the model client is what costs time).
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

    from dbarch.agent.userconfig import UserConfig
    from dbarch.memory import Workspace
    from dbarch.tools.sandbox import Sandbox


def new_thread_id() -> str:
    return uuid.uuid4().hex[:12]


@dataclass
class ReplState:
    console: Console
    config: UserConfig
    environ: Mapping[str, str]
    home: Path
    """The user folder (config, history, logs, threads)."""
    workspace: Path
    model: str | None = None
    sandbox_dsn: str | None = None
    database_dsn: str | None = field(default=None, repr=False)
    """The user's database, read by the agent's read-only tools (``/database``)."""
    thread_id: str = field(default_factory=new_thread_id)
    verbose: bool = False
    done: bool = False
    """Set by ``/quit``."""
    turns: int = 0
    _sandbox: Sandbox | None = None
    _warming: threading.Thread | None = None
    _architect: Any = None
    pump: Any = None
    """The last turn's :class:`~dbarch.agent.repl.pump.Pump` (a cancelled one may still run)."""

    # -- the sandbox ---------------------------------------------------------------------------
    def _new_sandbox(self) -> Sandbox:
        from dbarch.tools.sandbox import Sandbox, SandboxSettings

        settings = SandboxSettings(dsn=self.sandbox_dsn) if self.sandbox_dsn else SandboxSettings()
        return Sandbox(settings)

    def warm_sandbox(self) -> None:
        """Start the sandbox server in the background (errors surface on first use)."""
        if self._sandbox is not None or self._warming is not None:
            return
        box = self._new_sandbox()
        box.install_exit_hooks()  # from the main thread, before the background start

        def start() -> None:
            # a failure here is not lost: the first command that needs the sandbox starts it
            # again and reports the error
            with contextlib.suppress(Exception):
                box.start()

        self._sandbox = box
        self._warming = threading.Thread(target=start, name="dbarch-sandbox-warm", daemon=True)
        self._warming.start()

    def sandbox(self) -> Sandbox:
        """The session's sandbox, started."""
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        if self._sandbox is None:
            self._sandbox = self._new_sandbox()
        self._sandbox.start()
        return self._sandbox

    # -- the workspace ----------------------------------------------------------------------------
    def ws(self) -> Workspace:
        from dbarch.memory import Workspace

        return Workspace(self.workspace, notice=lambda m: self.console.print(f"[yellow]{m}[/]"))

    def set_workspace(self, path: Path) -> None:
        self.workspace = path
        self._drop_architect()  # the agent's context names the workspace

    # -- the model ------------------------------------------------------------------------------
    def model_configured(self) -> bool:
        if self.model and (self.config.base_url or self.config.api_key_present(self.environ)):
            return True
        return self.config.model_configured(self.environ)

    def set_model(self, name: str) -> None:
        self.model = name
        self._drop_architect()

    def set_database(self, dsn: str | None) -> None:
        self.database_dsn = dsn
        self._drop_architect()  # the agent's tools are offered from its context

    def _drop_architect(self) -> None:
        if self._architect is not None:
            self._architect.close()  # the sandbox is ours: the architect leaves it open
            self._architect = None

    def architect(self) -> Any:
        """The agent (``dbarch.agent.session.Architect``), built on first use."""
        if self._architect is None:
            from dbarch.agent.checkpoint import sqlite_checkpointer
            from dbarch.agent.session import Architect
            from dbarch.agent.userconfig import make_context

            context = make_context(self.config, model=self.model, workspace=str(self.workspace),
                                   sandbox_dsn=self.sandbox_dsn, database_dsn=self.database_dsn)
            self._architect = Architect(context, sandbox=self.sandbox(),
                                        checkpointer=sqlite_checkpointer(self.home / "threads.sqlite"))
        return self._architect

    def close(self) -> None:
        if self.pump is not None and self.pump.thread.is_alive():
            self.pump.cancel()
            self.pump.thread.join(1.0)  # a run still waiting on the model is left to exit with us
            if self.pump.thread.is_alive():
                self._architect = None  # closing it under the running turn would break that turn
        self._drop_architect()
        if self._warming is not None:
            self._warming.join()
            self._warming = None
        if self._sandbox is not None:
            self._sandbox.close()
            self._sandbox = None
