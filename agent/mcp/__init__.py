"""``dbarch mcp``: the architect's tools as an MCP server over stdio (the official ``mcp`` SDK).

:mod:`.tools` holds the tool functions (typed arguments, typed results), :mod:`.arguments` and
:mod:`.outputs` their input and output types, :mod:`.catalog` the generated ``catalog.json``
that ``tools/list`` shows, :mod:`.server` the SDK server, :mod:`.lean` the lean SDK import.
Importing this package imports none of them.
"""
