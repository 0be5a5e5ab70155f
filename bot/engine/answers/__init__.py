"""Answers to questions, as pure functions over the user's records (one module per family)."""
