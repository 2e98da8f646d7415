"""``dbarch mcp``: the architect's tools as an MCP server over stdio (the official ``mcp`` SDK).

:mod:`.tools` holds the tool functions (typed arguments, typed results); :mod:`.server` builds
the ``MCPServer`` from them. Importing this package imports neither.
"""
