"""What one run of the architect is configured with, passed as LangGraph's runtime context.

Every field is keyword-only and has an environment fallback: a field left at its default takes
the variable named in its metadata when that variable is set (``DBARCH_MODEL``,
``OPENAI_BASE_URL``, ...). Infrastructure (the sandbox, the workspace, the chat model) is never
part of what the model sees: the caller injects it as :attr:`Context.services`, or the graph
builds it from these fields on first use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dbarch.agent.services import Services


def _env(name: str, doc: str) -> dict[str, str]:
    return {"env": name, "description": doc}


@dataclass(frozen=True, kw_only=True)
class Context:
    """The architect's run configuration (see ``docs/agent.md``)."""

    model: str = field(default="", metadata=_env("DBARCH_MODEL", "chat model name"))
    """Model name sent to the endpoint; '' means the default for OpenAI (``gpt-4o-mini``)."""
    base_url: str | None = field(default=None, metadata=_env("OPENAI_BASE_URL", "endpoint"))
    """An OpenAI-compatible endpoint (Azure, Ollama, vLLM, llama.cpp); None for OpenAI's own."""
    api_key_env: str = field(
        default="OPENAI_API_KEY", metadata=_env("DBARCH_API_KEY_ENV", "API key variable")
    )
    """The environment variable holding the API key (the key itself never sits in a value)."""
    temperature: float = field(default=0.0, metadata=_env("DBARCH_TEMPERATURE", "sampling"))
    max_tool_rounds: int = field(default=8, metadata=_env("DBARCH_MAX_TOOL_ROUNDS", "bound"))
    """Model ⇄ tools rounds per turn; at the bound the model answers with what it verified."""
    max_fix_rounds: int = field(default=2, metadata=_env("DBARCH_MAX_FIX_ROUNDS", "bound"))
    """Chances the model gets to fix SQL that failed the graph's own verification."""
    workspace: str = field(default=".", metadata=_env("DBARCH_WORKSPACE", "workspace folder"))
    sandbox_dsn: str | None = field(default=None, metadata=_env("DBARCH_SANDBOX_DSN", "server"))
    """A PostgreSQL server of the user's for the sandbox; None for the embedded one."""
    database_dsn: str | None = field(default=None, repr=False,
                                     metadata=_env("DBARCH_DATABASE_DSN", "your database, read-only"))
    """A database of the user's the architect may *read* (schema, EXPLAIN, hypothetical
    indexes) in read-only mode (:mod:`dbarch.tools.sandbox.readonly`); None: none. Only the
    read-only tools receive it; every write goes to the sandbox. Kept out of ``repr``: it may
    hold a password."""
    dialect: str = field(default="postgres", metadata=_env("DBARCH_DIALECT", "SQL dialect"))
    max_retries: int = field(default=3, metadata=_env("DBARCH_MAX_RETRIES", "model retries"))
    """Retries of a model call on 429, 5xx, timeouts and connection errors (with backoff)."""
    retry_backoff: float = field(default=1.0, metadata=_env("DBARCH_RETRY_BACKOFF", "seconds"))
    """First backoff in seconds, doubled at each retry (0 in tests)."""
    timeout: float = field(default=120.0, metadata=_env("DBARCH_TIMEOUT", "seconds per call"))
    threads: str | None = field(default=None, metadata=_env("DBARCH_THREADS", "thread store"))
    """Where threads are kept: a SQLite file (default ``$DBARCH_HOME/threads.sqlite``), a
    ``postgresql://`` DSN (deployments with many workers), or ``memory``."""
    guard_model: bool = field(default=False, metadata=_env("DBARCH_GUARD_MODEL", "1 to enable"))
    """Ask the model to classify a request when the deterministic rules are unsure."""
    services: Services | None = field(default=None, repr=False, compare=False)
    """Injected infrastructure (sandbox, workspace, chat model); never visible to the model."""

    def __post_init__(self) -> None:
        for f in fields(self):
            var = f.metadata.get("env")
            if not var or getattr(self, f.name) != f.default:
                continue
            raw = os.environ.get(var)
            if raw is None or raw == "":
                continue
            object.__setattr__(self, f.name, _coerce(f.default, raw, var))
        if self.database_dsn is not None and not self.database_dsn.strip():
            object.__setattr__(self, "database_dsn", None)
        if self.database_dsn and self.sandbox_dsn and _same_database(self.database_dsn, self.sandbox_dsn):
            from dbarch.tools.errors import UsageError

            raise UsageError("the read-only database (--dsn) and the sandbox server (--sandbox-dsn) "
                             "are the same database",
                             hint="the sandbox creates and drops databases: give it a server of its own")

    @property
    def api_key(self) -> str | None:
        """The API key read from :attr:`api_key_env` (None when unset)."""
        return os.environ.get(self.api_key_env) or None

    def model_name(self) -> str:
        """The model to call; raises :class:`ModelNotConfigured` naming what to set."""
        from dbarch.agent.errors import ModelNotConfigured

        if self.model:
            if not self.api_key and not self.base_url:
                raise ModelNotConfigured(
                    f"no model endpoint configured: set {self.api_key_env} (OpenAI) or "
                    "OPENAI_BASE_URL (a local OpenAI-compatible server)"
                )
            return self.model
        if self.base_url:
            raise ModelNotConfigured(
                "no model name configured for OPENAI_BASE_URL: set DBARCH_MODEL "
                "(for example DBARCH_MODEL=qwen2.5:14b for Ollama)"
            )
        if self.api_key:
            return DEFAULT_OPENAI_MODEL
        raise ModelNotConfigured(
            f"no language model configured: set {self.api_key_env} (and optionally DBARCH_MODEL), "
            "or OPENAI_BASE_URL and DBARCH_MODEL for a local server"
        )


DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


def _same_database(a: str, b: str) -> bool:
    """Both connection strings name the same host, port and database (or are the same text)."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    if a.strip() == b.strip():
        return True
    try:
        pa, pb = conninfo_to_dict(a), conninfo_to_dict(b)
    except psycopg.Error:
        return False
    keys = ("host", "hostaddr", "port", "dbname")
    return all(str(pa.get(k) or "") == str(pb.get(k) or "") for k in keys) and any(pa.get(k) for k in keys)


def _coerce(default: Any, raw: str, var: str) -> Any:
    from dbarch.tools.errors import UsageError

    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise UsageError(
            f"{var}={raw!r} is not a valid {type(default).__name__}",
            hint=f"unset {var} or give it a {type(default).__name__} value",
        ) from None
    return raw
