"""The Telegram adapter: the only package importing telegram."""
