"""The lint rules, one module per family; each exports an ordered ``RULES`` tuple."""
