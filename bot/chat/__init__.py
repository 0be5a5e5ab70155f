"""The local terminal chat: same engine, same store."""
