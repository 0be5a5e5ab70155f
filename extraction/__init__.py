"""Documents in, proposed records out. Pure: no database, no Telegram, no network."""
