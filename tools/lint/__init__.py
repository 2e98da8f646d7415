"""The lint engine: the architect's standards as rules over the schema model and SQL trees."""
