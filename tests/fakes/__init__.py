"""Test doubles for what is slow or external: Telegram, the clock, OCR."""
