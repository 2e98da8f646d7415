"""The ``dbarch`` command line, one module per command group."""
