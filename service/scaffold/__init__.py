"""GB/T 9704 starting points for the Word templates, built in Python (`docgen templates scaffold`)."""
