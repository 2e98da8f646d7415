"""SQL input: reading sources, splitting statements, parsing, query extraction, translation."""
