"""dbarch's agent layer: the command line, the REPL and (later) the LLM graph.

Importing this package is cheap: heavy dependencies are imported inside the commands.
"""
