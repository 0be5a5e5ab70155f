"""Replies out of the engine: text with light formatting, buttons, images, files, progress."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Reply(BaseModel):
    model_config = ConfigDict(frozen=True)


class Button(_Reply):
    """An inline button: label shown, opaque callback data returned as ``ButtonIn``."""

    label: str
    data: str


class Text(_Reply):
    """A message. ``text`` is plain text; adapters escape it. ``buttons`` are rows of buttons."""

    text: str
    buttons: list[list[Button]] = Field(default_factory=list)
    progress_key: str | None = None


class Image(_Reply):
    """A picture (chart), PNG bytes."""

    data: bytes
    filename: str = "chart.png"
    caption: str | None = None


class File(_Reply):
    """A file to download (export archive, PDF summary, an original document)."""

    data: bytes
    filename: str
    media_type: str = "application/octet-stream"
    caption: str | None = None


class ChatAction(_Reply):
    """Show that carnet is working (``typing``, ``upload_photo``...)."""

    action: str = "typing"


class LeaveChat(_Reply):
    """Leave the chat (groups and channels)."""


Reply = Text | Image | File | ChatAction | LeaveChat
