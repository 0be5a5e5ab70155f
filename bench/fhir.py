"""FHIR export: bundle a 10-year user, export and import the archive, against carnet's own JSON.

One synthetic user holds 10 years of history (2,000 medications, 20,000 lab results, 500
documents with one 60 kB page each) in a real encrypted SQLite store. It measures:

- bundle / read: ``records_bundle`` (plain JSON path) and ``read_bundle`` over every record, with
  as reference the same records dumped to and validated from carnet's own JSON in the same run;
- fhir.resources: the validated path (``validate=True``) on a 1,000-record slice, in resources
  per second, to show why large exports do not go through it;
- export / import: ``export_archive`` from the store and ``import_archive`` into a fresh store,
  against loading the same user's records and pages from the store (the floor of an export);
- the archive size and the peak memory of the process.

    .venv/bin/python -m bench fhir [--scale 1.0]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import secrets
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from store import (
    Document,
    DocumentKind,
    DocumentPage,
    DocumentStatus,
    Interpretation,
    LabResult,
    Medication,
    Posology,
    Provenance,
    Quantity,
    RecordStatus,
    ReferenceRange,
    open_store,
)
from store.fhir.archive import export_archive, import_archive
from store.fhir.bundle import read_bundle, records_bundle
from store.records import Duration, PeriodUnit, TimeOfDay

USER = 515151
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)


def _timed(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def _history(scale: float) -> tuple[list[Document], list[Medication | LabResult]]:
    rng = random.Random(7)
    start = date(2016, 3, 1)
    documents = [
        Document(
            kind=DocumentKind.LAB_REPORT if n % 4 else DocumentKind.PRESCRIPTION,
            status=DocumentStatus.CONFIRMED,
            title=f"scan-{n}.jpg",
            document_date=start + timedelta(days=7 * n),
            received_at=NOW - timedelta(days=7 * n),
            pages=[DocumentPage(media_type="image/jpeg", content=rng.randbytes(60_000))],
        )
        for n in range(int(500 * scale))
    ]
    records: list[Medication | LabResult] = []
    for n in range(int(2000 * scale)):
        records.append(
            Medication(
                name=f"MEDICAMENT {n % 120} 500 mg",
                provenance=Provenance(document_id=documents[n % len(documents)].id),
                status=RecordStatus.CONFIRMED,
                posology=Posology(
                    text="1 comprimé matin et soir pendant 7 jours",
                    dose=Quantity(value=1, unit="comprimé"),
                    frequency=2,
                    period=1,
                    period_unit=PeriodUnit.DAY,
                    when=[TimeOfDay.MORNING, TimeOfDay.EVENING],
                    duration=Duration(value=7, unit=PeriodUnit.DAY),
                ),
                authored_on=start + timedelta(days=n),
            )
        )
    for n in range(int(20000 * scale)):
        value = round(rng.uniform(2.5, 6.5), 2)
        records.append(
            LabResult(
                name=f"Analyse {n % 40}",
                loinc="2823-3",
                value=value,
                unit="mmol/L",
                reference_range=ReferenceRange(low=3.5, high=5.1, text="3,5 - 5,1"),
                interpretation=Interpretation.HIGH if value > 5.1 else Interpretation.NORMAL,
                effective_date=start + timedelta(days=n // 6),
                provenance=Provenance(document_id=documents[n % len(documents)].id),
                status=RecordStatus.CONFIRMED,
            )
        )
    return documents, records


def main() -> int:
    """Run the FHIR export benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="bench.fhir")
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    documents, records = _history(args.scale)
    print(f"user: {len(documents)} documents, {len(records)} records")

    own_dump, own_json = _timed(lambda: json.dumps([r.model_dump(mode="json") for r in records]))
    bundle_s, bundle = _timed(
        lambda: records_bundle(
            None, documents, records, page_url=lambda d, n, p: f"{d.id}/{n}", validate=False
        )
    )
    own_read, _ = _timed(
        lambda: [
            (Medication if "posology" in item else LabResult).model_validate(item)
            for item in json.loads(own_json)
        ]
    )
    read_s, content = _timed(lambda: read_bundle(bundle))
    assert sum(len(g.records) for g in content.groups) == len(records)
    print(
        f"bundle {bundle_s:.2f} s ({len(bundle) / 1e6:.1f} MB) vs carnet JSON dump "
        f"{own_dump:.2f} s: ratio {bundle_s / own_dump:.1f}"
    )
    print(
        f"read   {read_s:.2f} s vs carnet JSON load {own_read:.2f} s: "
        f"ratio {read_s / own_read:.1f}"
    )
    sample = records[-1000:]
    fast_s, _ = _timed(lambda: records_bundle(None, [], sample, validate=False))
    slow_s, _ = _timed(lambda: records_bundle(None, [], sample, validate=True))
    print(
        f"fhir.resources validated path: {len(sample) / slow_s:.0f} resources/s, "
        f"plain JSON path {len(sample) / fast_s:.0f} resources/s (ratio {slow_s / fast_s:.0f})"
    )

    with tempfile.TemporaryDirectory() as folder:
        key = secrets.token_bytes(32)
        source = open_store(f"sqlite:///{Path(folder) / 'a.db'}", key)
        target = open_store(f"sqlite:///{Path(folder) / 'b.db'}", key)
        try:
            with source.vault(USER) as vault:
                for document in documents:
                    vault.add_document(document)
                vault.save_all(records)

            def load() -> int:
                with source.vault(USER) as vault:
                    loaded = vault.list_documents(with_pages=True)
                    return len(loaded) + len(vault.records(Medication) + vault.records(LabResult))

            load_s, _ = _timed(load)

            def export() -> bytes:
                with source.vault(USER) as vault:
                    return export_archive(vault, exported_at=NOW)

            export_s, archive = _timed(export)

            def restore() -> int:
                with target.vault(USER) as vault:
                    report = import_archive(vault, archive)
                return report.medications + report.lab_results

            import_s, restored = _timed(restore)
            assert restored == len(records)
        finally:
            source.close()
            target.close()
    print(
        f"export {export_s:.2f} s ({len(archive) / 1e6:.1f} MB zip) vs loading the same data "
        f"{load_s:.2f} s: ratio {export_s / load_s:.1f}"
    )
    print(f"import {import_s:.2f} s into a fresh encrypted SQLite store")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
