"""Performance: EXPLAIN, plan summaries, index candidates and the index advisor."""
