"""dbarch: a database-architect agent that never guesses where it can check.

Installed, everything imports under this one namespace, whatever the embedding project calls
its own folders:

- ``dbarch.tools``: the verification library (SQL input, the schema model, lint, the sandbox,
  synthetic data, EXPLAIN and index advice). Knows nothing about language models.
- ``dbarch.memory``: the user's workspace files (``00_soul.md``, ``01_state.md``,
  ``02_memory.md``, ``migrations/``).
- ``dbarch.agent``: the architect agent (graph, tools, guards), the command line and the REPL.
- ``dbarch.evals``: eval cases, scorers and the runner.
- ``dbarch.prompts``: the role prompt, as text files.

See ``docs/api.md`` for the public API. Importing this package is cheap.
"""
