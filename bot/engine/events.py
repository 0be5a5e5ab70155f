"""Events into the engine: transport-agnostic, no Telegram types.

``UserRef`` identifies who speaks; the Telegram adapter and the local chat both build these.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True)


class UserRef(_Event):
    """The speaker: platform user id, the private chat id, the client's language code."""

    user_id: int
    chat_id: int
    language_code: str | None = None
    first_name: str | None = None
    chat_type: str = "private"


class FileIn(_Event):
    """One received file (photo or document), already downloaded."""

    name: str
    data: bytes
    media_type: str | None = None
    is_photo: bool = False
    width: int | None = None
    height: int | None = None


class TextIn(_Event):
    """A text message."""

    text: str
    update_id: int | None = None


class PhotoIn(_Event):
    """A photo (Telegram-compressed JPEG, largest size)."""

    file: FileIn
    caption: str | None = None


class DocumentIn(_Event):
    """A file sent as a document (PDF, uncompressed image, ...)."""

    file: FileIn
    caption: str | None = None


class AlbumIn(_Event):
    """Several photos or files sent together: one document of several pages."""

    files: list[FileIn] = Field(default_factory=list)
    caption: str | None = None


class ButtonIn(_Event):
    """A button press; ``data`` is the callback payload the engine itself produced."""

    data: str
    message_id: int | None = None


class CommandIn(_Event):
    """A slash command (``/start``, ``/traitements``) with its argument text."""

    name: str
    args: str = ""


class UnsupportedIn(_Event):
    """Something carnet cannot use (sticker, voice, video, location, oversized file)."""

    what: str


Event = TextIn | PhotoIn | DocumentIn | AlbumIn | ButtonIn | CommandIn | UnsupportedIn
