"""The store: owns records, numbering, keys and file storage."""
