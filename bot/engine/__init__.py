"""Transport-agnostic conversation engine: events in, replies out."""
