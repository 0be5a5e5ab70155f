"""Durable dialogue state of one user: what the engine is waiting for."""

from __future__ import annotations

from pydantic import Field

from store.records.common import Model


class DialogueState(Model):
    """Serialisable engine state. ``step`` names the state; ``data`` holds ids and small values.

    A pending extraction draft is kept as JSON in ``draft`` until the user confirms or discards.
    """

    version: int = 1
    step: str = "idle"
    document_id: str | None = None
    draft: str | None = None
    data: dict[str, str] = Field(default_factory=dict)
