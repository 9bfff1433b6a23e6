"""docgen: fills Word templates from validated data for Chinese party and office paperwork."""
