"""The only package importing SQLAlchemy and Alembic: schema, codec, SqlVault."""
