"""carnet's conversation engine, reminders, adapters (Telegram, local chat) and CLI."""

__version__ = "0.1.0"
