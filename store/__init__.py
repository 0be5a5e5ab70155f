"""Domain records and their encrypted persistence."""
