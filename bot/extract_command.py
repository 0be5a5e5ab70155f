"""``carnet extract PATH... --format fhir|json``: read documents and print their records.

Each path is one document. An unreadable input gives one stderr line ``carnet: NAME: CODE`` and
the others are still processed; the exit code is 0 only when every input was read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bot.bootstrap import extraction_options
from bot.settings import Settings
from extraction import ExtractedDocument, ExtractionError, InputFile, extract

FORMATS = ("fhir", "json")


def _render(documents: list[ExtractedDocument], fmt: str) -> str:
    if fmt == "json":
        payload: list[dict[str, Any]] = [d.model_dump(mode="json") for d in documents]
        return json.dumps(payload, ensure_ascii=False, indent=2)
    from store.fhir.bundle import extraction_bundle

    return extraction_bundle(documents)


def run_extract(settings: Settings, paths: list[str], fmt: str) -> int:
    """Extract each path, print the documents read as ``fmt``; return the exit code."""
    if fmt not in FORMATS:
        print(f"carnet: unknown format {fmt}", file=sys.stderr)
        return 2
    options = extraction_options(settings)
    documents: list[ExtractedDocument] = []
    failed = 0
    for raw in paths:
        path = Path(raw)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            print(f"carnet: {path.name}: not_found", file=sys.stderr)
            failed += 1
            continue
        except OSError:
            print(f"carnet: {path.name}: unreadable_file", file=sys.stderr)
            failed += 1
            continue
        result = extract([InputFile(name=path.name, data=data)], options)[0]
        if isinstance(result, ExtractionError):
            print(f"carnet: {path.name}: {result.code}", file=sys.stderr)
            failed += 1
            continue
        documents.append(result)
    sys.stdout.write(_render(documents, fmt) + "\n")
    sys.stdout.flush()
    return 1 if failed else 0
