"""dbarch's eval suite: cases, deterministic scorers, the runner and its reports."""
