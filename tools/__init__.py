"""dbarch's verification library: parsing, the schema model, lint, the sandbox, EXPLAIN.

Nothing here knows about language models; a person can use it alone.
"""
