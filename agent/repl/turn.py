"""One conversation turn: stream the agent's events and render them as they arrive.

Tokens become Markdown (SQL highlighted) re-rendered live; each tool call is one compact line
(arguments and result in full with ``/verbose``); the turn ends with the verification summary
and a footer of tokens, cost estimate and latency. Ctrl-C cancels the turn, not the session.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from rich.markup import escape
from rich.text import Text

from dbarch.agent.repl import threads
from dbarch.agent.repl.render import error_line
from dbarch.agent.repl.summary import footer, verification_line

if TYPE_CHECKING:
    from rich.console import Console
    from rich.live import Live

    from dbarch.agent.repl.state import ReplState

NO_MODEL = (
    "No model is configured, so questions to the architect cannot be answered yet; every slash "
    "command still works (/help). To configure one: export OPENAI_API_KEY (and optionally "
    "DBARCH_MODEL), or for a local Ollama, vLLM or llama.cpp server export OPENAI_BASE_URL (e.g. "
    "http://localhost:11434/v1) and DBARCH_MODEL; or set them in {config}."
)


class _Answer:
    """The streamed answer: Markdown segments between tool calls, each rendered live."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.text = ""
        self.live: Live | None = None

    def add(self, chunk: str) -> None:
        from rich.live import Live
        from rich.markdown import Markdown

        self.text += chunk
        if self.live is None:
            self.live = Live(console=self.console, refresh_per_second=8, vertical_overflow="visible",
                             transient=False)
            self.live.start()
        self.live.update(Markdown(self.text, code_theme="monokai"))

    def close(self) -> str:
        """End the current segment (before a tool line, or at the end); return its text."""
        if self.live is not None:
            self.live.stop()
            self.live = None
        text, self.text = self.text, ""
        return text


def ask(state: ReplState, request: str) -> None:
    """Run one turn for ``request`` on the session's thread."""
    console = state.console
    if not state.model_configured():
        console.print(NO_MODEL.format(config=state.home / "config.toml"))
        return
    started = time.perf_counter()
    threads.remember(state.home, threads.ThreadInfo(state.thread_id, time.time(), str(state.workspace),
                                                    threads.title_of(request)))
    answer = _Answer(console)
    streamed = False
    result: Any = None
    events = None
    try:
        with console.status("thinking...") if not state.verbose else _nothing():
            architect = state.architect()
        events = architect.stream(request, thread_id=state.thread_id)
        for event in events:
            kind = type(event).__name__
            if kind == "TokenEvent":
                streamed = True
                answer.add(event.text)
            elif kind == "ToolStartEvent":
                answer.close()
                if state.verbose:
                    console.print(Text(f"  > {event.name}({_args(event.args)})", style="dim"))
            elif kind == "ToolEndEvent":
                answer.close()
                _tool_line(console, event, verbose=state.verbose)
            elif kind == "StatusEvent":
                answer.close()
                console.print(Text(f"  · {event.text}", style="dim"))
            elif kind == "FinalEvent":
                result = event.result
    except KeyboardInterrupt:
        answer.close()
        if events is not None and hasattr(events, "close"):
            events.close()
        console.print(Text("turn cancelled (the session goes on)", style="yellow"))
        return
    finally:
        answer.close()
    if result is None:
        error_line(console, "the agent ended the turn without a result")
        return
    state.turns += 1
    if not streamed:
        from rich.markdown import Markdown

        console.print(Markdown(str(getattr(result, "answer", "") or ""), code_theme="monokai"))
    console.print(verification_line(result))
    console.print(footer(result, state.config, seconds=time.perf_counter() - started))


class _nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _args(args: Any, limit: int = 400) -> str:
    import json

    try:
        text = json.dumps(args, default=str, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(args)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _tool_line(console: Console, event: Any, *, verbose: bool) -> None:
    ok = bool(getattr(event, "ok", True))
    mark, style = ("✓", "green") if ok else ("✗", "red")
    ms = getattr(event, "ms", None)
    timing = f", {ms:.0f} ms" if isinstance(ms, int | float) else ""
    summary = str(getattr(event, "summary", "") or "")
    line = summary.splitlines()[0] if summary and not verbose else summary
    console.print(f"  [{style}]{mark}[/] [bold]{escape(event.name)}[/]: {escape(line)}[dim]{timing}[/]")
