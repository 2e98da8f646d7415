"""The schema model: one typed model from SQL text and from a live catalog, diffed and rendered."""
