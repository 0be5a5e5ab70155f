"""Shared fixtures: a temporary data dir and master key, database URLs (SQLite always, PostgreSQL
when ``CARNET_TEST_DATABASE_URL`` is set), and a fixed clock."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.postgres import fresh_database

POSTGRES_URL = os.environ.get("CARNET_TEST_DATABASE_URL")


@pytest.fixture
def master_key() -> bytes:
    """A fresh 32-byte master key."""
    return secrets.token_bytes(32)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """An empty carnet data directory."""
    path = tmp_path / "data"
    path.mkdir()
    return path


def _fresh_postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    assert POSTGRES_URL is not None
    with fresh_database(POSTGRES_URL, "carnet_test") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite always; PostgreSQL too (skipped with a reason when not configured)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'carnet.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set CARNET_TEST_DATABASE_URL (CI sets it)")
    yield from _fresh_postgres_url()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database (skipped with a reason when none is configured)."""
    if not POSTGRES_URL:
        pytest.skip("PostgreSQL not configured: set CARNET_TEST_DATABASE_URL (CI sets it)")
    yield from _fresh_postgres_url()


@pytest.fixture
def now() -> datetime:
    """A fixed 'now' for tests that depend on the clock."""
    return datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
