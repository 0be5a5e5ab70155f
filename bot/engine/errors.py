"""The one mapping from error codes (extraction, store, engine) to localised message keys.

Users never see a stack trace or an exception text: every error becomes a kind message in their
language, chosen by the error's stable ``code``.
"""

from __future__ import annotations

from bot.i18n import Translator

MESSAGE_KEYS: dict[str, str] = {
    # extraction
    "empty_file": "error.empty_file",
    "unsupported_format": "error.unsupported_format",
    "image_too_large": "error.image_too_large",
    "too_many_pages": "error.too_many_pages",
    "encrypted_pdf": "error.encrypted_pdf",
    "corrupt_file": "error.corrupt_file",
    "unreadable_document": "error.unreadable_document",
    "image_too_small": "error.image_too_small",
    "ocr_engine_missing": "error.ocr_engine_missing",
    "ocr_failed": "error.ocr_failed",
    "extraction_error": "error.extraction",
    # store
    "store_error": "error.store",
    "wrong_master_key": "error.store",
    "decryption_failed": "error.store",
    "tamper_detected": "error.tampered",
    "store_unavailable": "error.store",
    "store_full": "error.store_full",
    "concurrent_update": "error.busy",
    "unknown_user": "error.unknown_user",
    "erased": "error.unknown_user",
    # engine
    "file_too_big": "error.file_too_big",
    "unsupported": "error.unsupported",
    "export_unavailable": "error.export_unavailable",
}
"""Error code -> message key in ``bot/i18n``."""


def code_of(exc: BaseException) -> str:
    """The stable code of an error (``internal`` for anything without one)."""
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) else "internal"


def message_for(exc: BaseException, tr: Translator) -> str:
    """A kind message for ``exc`` in the user's language, never its text or traceback."""
    return message_for_code(code_of(exc), tr)


def message_for_code(code: str, tr: Translator) -> str:
    """A kind message for an error code."""
    return tr(MESSAGE_KEYS.get(code, "error.internal"))
