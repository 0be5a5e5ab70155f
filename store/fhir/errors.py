"""Errors of the FHIR bundle and export archive code, in the store's hierarchy (stable codes)."""

from __future__ import annotations

from store.errors import StoreError


class BundleInvalid(StoreError):
    """A FHIR Bundle could not be parsed, or holds something carnet cannot read back."""

    code = "bundle_invalid"


class ArchiveInvalid(StoreError):
    """An export archive is not a carnet zip: unreadable, missing files, or unsafe paths."""

    code = "archive_invalid"


class ArchiveTooLarge(ArchiveInvalid):
    """An export archive is over the size or entry-count limits (zip bomb guard)."""

    code = "archive_too_large"
