"""The architect's prompts, kept as text files beside this module."""
