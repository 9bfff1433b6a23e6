"""Input schemas of the document kinds: one module per kind, plus shared fields and the profile."""
