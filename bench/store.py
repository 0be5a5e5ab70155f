"""Encrypted store: load a 10-year user, insert a confirmed document, against plaintext payloads.

One synthetic user holds 10 years of history (2,000 medications, 20,000 lab results, 500
documents with a page each). For SQLite and, when ``CARNET_TEST_DATABASE_URL`` is set,
PostgreSQL, it measures:

- load-all: one vault, every medication, lab result and document (without page blobs),
  cold (a store without in-process record cache: each kind from its sealed snapshot, one
  AES-GCM blob validated in one pydantic-core call, plus the rows written since), cold from
  rows (snapshots off: decrypt and validate every row, the code before snapshots), cold after
  the write phases below (snapshot plus 660 newer rows), and warm (the profile's decrypted
  records cached at its current version, checked against the database each time);
- insert: one vault storing a confirmed document (one 60 kB page) with 20 lab results and an
  audit entry;
- load after another instance's write: a second store on the same database inserts such a
  document, then the first loads everything (its cache refreshes the changed rows only);
- questions, cold: what one question really loads through the engine's answer functions and
  their lazy ``Facts`` (current treatments, allergies, vaccinations, documents, one lab test's
  trend, out-of-range labs), on the cold store. "load" is the vault's open, commit and record
  reads (the issue's target); "answer" adds the answer's own work (the trend's chart).
  ``--questions`` measures only these, interleaved with the cold load of every kind.

``--insert`` measures only the insert (``--runs`` × 4 alternations), for quick rounds on it.

The reference run is the same code on a second database whose ``Sealer`` is replaced by an
identity (payloads stored as plaintext JSON): the ratio is the encryption overhead.

    .venv/bin/python -m bench store [--scale 1.0] [--runs 11] [--questions | --insert]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import secrets
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from bot.engine.answers import allergies as allergy_answers
from bot.engine.answers import documents as document_answers
from bot.engine.answers import labs as lab_answers
from bot.engine.answers import treatments as treatment_answers
from bot.engine.answers import vaccines as vaccine_answers
from bot.engine.answers.common import Facts
from bot.engine.replies import Reply
from bot.i18n import Translator, translator
from store import (
    Allergy,
    AuditAction,
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
    Store,
    Vaccination,
    open_store,
)
from store.crypto import Sealer
from store.vault import Vault
from tests.postgres import fresh_database

USER = 424242
LABS = [
    ("Hémoglobine glyquée", "%", 4.0, 6.0),
    ("Glycémie à jeun", "g/L", 0.7, 1.1),
    ("Créatinine", "µmol/L", 60.0, 110.0),
    ("Cholestérol LDL", "g/L", 0.0, 1.6),
    ("TSH", "mUI/L", 0.4, 4.0),
    ("Potassium", "mmol/L", 3.5, 5.1),
    ("Hémoglobine", "g/dL", 12.0, 16.0),
    ("Plaquettes", "G/L", 150.0, 400.0),
    ("Ferritine", "µg/L", 20.0, 300.0),
    ("CRP", "mg/L", 0.0, 5.0),
]
DRUGS = [
    "Metformine 1000 mg",
    "Ramipril 5 mg",
    "Atorvastatine 20 mg",
    "Lévothyrox 75 µg",
    "Doliprane 1000 mg",
    "Amoxicilline 1 g",
    "Kardégic 75 mg",
    "Bisoprolol 2,5 mg",
]


History = tuple[list[Medication], list[LabResult], list[Document], list[Any]]
"""Medications, lab results, documents, and the few allergies and vaccinations."""


def _history(rng: random.Random, scale: float) -> History:
    start = date(2016, 1, 1)
    n_docs, n_meds, n_labs = int(500 * scale), int(2000 * scale), int(20000 * scale)
    documents = [
        Document(
            kind=DocumentKind.LAB_REPORT if i % 2 else DocumentKind.PRESCRIPTION,
            status=DocumentStatus.CONFIRMED,
            title=f"Document {i}",
            document_date=start + timedelta(days=7 * i),
            received_at=datetime(2016, 1, 1, tzinfo=UTC) + timedelta(days=7 * i),
            pages=[
                DocumentPage(
                    filename=f"scan-{i}.jpg",
                    media_type="image/jpeg",
                    content=secrets.token_bytes(8_000),
                )
            ],
            text="Ordonnance / compte rendu de biologie " * 10,
        )
        for i in range(n_docs)
    ]
    medications = [
        Medication(
            name=rng.choice(DRUGS),
            posology=Posology(
                text="1 comprimé matin et soir",
                dose=Quantity(value=1, unit="cp"),
                frequency=2,
                period=1,
            ),
            provenance=Provenance(document_id=documents[i % n_docs].id, page=0, confidence=0.9),
            status=RecordStatus.CONFIRMED,
            start_date=start + timedelta(days=i),
        )
        for i in range(n_meds)
    ]
    labs = []
    for i in range(n_labs):
        name, unit, low, high = LABS[i % len(LABS)]
        labs.append(
            LabResult(
                name=name,
                value=round(rng.uniform(low * 0.8, high * 1.2), 2),
                unit=unit,
                reference_range=ReferenceRange(low=low, high=high, text=f"{low} - {high}"),
                interpretation=Interpretation.NORMAL,
                effective_date=start + timedelta(days=i // 5),
                provenance=Provenance(document_id=documents[i % n_docs].id, confidence=0.95),
                status=RecordStatus.CONFIRMED,
            )
        )
    others: list[Any] = [
        Allergy(substance=s, status=RecordStatus.CONFIRMED)
        for s in ("Pénicilline", "Arachide", "Pollen", "Iode", "Latex", "Aspirine")
    ]
    others += [
        Vaccination(
            product=("Boostrixtetra", "Vaxigrip", "Comirnaty", "Pneumovax")[i % 4],
            date=start + timedelta(days=60 * i),
            provenance=Provenance(document_id=documents[i % n_docs].id, confidence=0.9),
            status=RecordStatus.CONFIRMED,
        )
        for i in range(60)
    ]
    return medications, labs, documents, others


@contextmanager
def plaintext() -> Iterator[None]:
    """Replace AES-GCM by an identity for the reference run (same format byte, no crypto)."""
    seal, open_ = Sealer.seal, Sealer.open_with_aad
    Sealer.seal = lambda self, table, row, column, data: b"\x01" + data  # type: ignore[method-assign]
    Sealer.open_with_aad = lambda self, blob, aad: blob[1:]  # type: ignore[method-assign]
    try:
        yield
    finally:
        Sealer.seal, Sealer.open_with_aad = seal, open_  # type: ignore[method-assign]


def _fill(
    store: Store,
    meds: list[Medication],
    labs: list[LabResult],
    docs: list[Document],
    others: Sequence[Any] = (),
) -> None:
    with store.vault(USER) as vault:
        for document in docs:
            vault.add_document(document)
        vault.save_all(list(others))
    for chunk in range(0, len(labs), 5000):
        with store.vault(USER) as vault:
            vault.save_all(labs[chunk : chunk + 5000])
    with store.vault(USER) as vault:
        vault.save_all(meds)


def _load_all(store: Store) -> list[list[object]]:
    """Every medication, lab result and document (without pages), as a question would use them.

    They are returned, not counted here: a real first load keeps them (cached), so freeing
    22,500 records is not part of the figure.
    """
    with store.vault(USER) as vault:
        return [vault.records(Medication), vault.records(LabResult), vault.list_documents()]


def _insert_document(store: Store, rng: random.Random) -> None:
    document = Document(
        kind=DocumentKind.LAB_REPORT,
        status=DocumentStatus.CONFIRMED,
        received_at=datetime(2026, 1, 1, tzinfo=UTC),
        pages=[DocumentPage(media_type="image/jpeg", content=secrets.token_bytes(60_000))],
    )
    labs = [
        LabResult(
            name=LABS[i % len(LABS)][0],
            value=rng.uniform(1, 10),
            unit="g/L",
            provenance=Provenance(document_id=document.id, confidence=0.9),
            status=RecordStatus.CONFIRMED,
        )
        for i in range(20)
    ]
    with store.vault(USER) as vault:
        vault.add_document(document)
        vault.save_all(labs)
        vault.audit(AuditAction.ADDED, "lab_result", document.id, count=20)


def _decrypt_only(store: Store) -> tuple[int, float]:
    """Milliseconds to AES-GCM-open every record payload of the user, nothing else."""
    from sqlalchemy import select

    from store.sql.schema import records

    with store.vault(USER) as vault:
        conn, codec = vault._conn, vault._codec  # type: ignore[attr-defined]
        rows = conn.execute(
            select(records.c.kind, records.c.id, records.c.payload).where(
                records.c.profile_id == vault.profile_id
            )
        ).all()
        sealer = codec.sealer
        started = time.perf_counter()
        for kind, record_id, payload in rows:
            sealer.open(f"records:{kind}", record_id, "payload", payload)
        return len(rows), (time.perf_counter() - started) * 1000


TODAY = date(2026, 1, 15)
QUESTIONS: dict[str, Callable[[Facts, Translator], list[Reply]]] = {
    "q:treatments": lambda f, tr: treatment_answers.current(f, tr, TODAY),
    "q:allergies": lambda f, tr: allergy_answers.listing(f, tr),
    "q:vaccinations": lambda f, tr: vaccine_answers.listing(f, tr),
    "q:documents": lambda f, tr: document_answers.listing(f, tr, None),
    "q:trend": lambda f, tr: lab_answers.trend(f, tr, "hba1c", None, None),
    "q:out_of_range": lambda f, tr: lab_answers.out_of_range(f, tr, None, None),
}
"""The routes' answer functions for each question family (``bot.engine.routes``)."""


class _TimedVault:
    """A vault whose record reads are timed: what a question's ``Facts`` really loads."""

    def __init__(self, vault: Vault) -> None:
        self._vault = vault
        self.spent = 0.0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._vault, name)

    def records(self, kind: type[Any]) -> list[Any]:
        started = time.perf_counter()
        try:
            return self._vault.records(kind)
        finally:
            self.spent += time.perf_counter() - started

    def lab_results(self, match: Callable[[str, str | None], bool]) -> list[LabResult]:
        started = time.perf_counter()
        try:
            return self._vault.lab_results(match)
        finally:
            self.spent += time.perf_counter() - started

    def latest_lab_results(self, status: RecordStatus) -> list[LabResult]:
        started = time.perf_counter()
        try:
            return self._vault.latest_lab_results(status)
        finally:
            self.spent += time.perf_counter() - started

    def list_documents(self, *, with_pages: bool = False) -> list[Document]:
        started = time.perf_counter()
        try:
            return self._vault.list_documents(with_pages=with_pages)
        finally:
            self.spent += time.perf_counter() - started


def _ask(store: Store, question: str, tr: Translator) -> tuple[float, float, list[Reply]]:
    """Milliseconds loading (vault open, reads, commit) and answering in all, and the replies."""
    started = time.perf_counter()
    with store.vault(USER) as vault:
        opened = time.perf_counter()
        timed = _TimedVault(vault)
        replies = QUESTIONS[question](Facts(cast(Vault, timed)), tr)
        answered = time.perf_counter()
    ended = time.perf_counter()
    load = (opened - started) + timed.spent + (ended - answered)
    return load * 1000, (ended - started) * 1000, replies


NAMES = {
    "cold": "load-all (cold)",
    "cold_rows": "cold, rows (no snap.)",
    "cold_after_writes": "cold, 660 rows newer",
    "warm": "load-all (warm)",
    "insert": "insert doc + 20 labs",
    "warm_after_insert": "load-all after writes",
    "refresh": "load, other wrote",
    "q:treatments": "Q current treatments",
    "q:allergies": "Q allergies",
    "q:vaccinations": "Q vaccinations",
    "q:documents": "Q documents",
    "q:trend": "Q one lab test trend",
    "q:out_of_range": "Q out-of-range labs",
}


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return statistics.median(ordered), p99


class _Side:
    """One database with its stores: encrypted, or the plaintext reference."""

    def __init__(self, url: str, key: bytes, history: History, plain: bool) -> None:
        self.plain = plain
        self.tr = translator("fr")
        self.rng = random.Random(7)
        with self.mode():
            self.writer = open_store(url, key)
            started = time.perf_counter()
            _fill(self.writer, *history)
            self.fill_s = time.perf_counter() - started
            self.cold_store = open_store(url, key, cache_profiles=0)
            self.rows_store = open_store(url, key, cache_profiles=0, snapshot_min=0)
            self.other = open_store(url, key, cache_profiles=0)
            self.count = sum(len(kind) for kind in _load_all(self.cold_store))
            _load_all(self.writer)
            for question in QUESTIONS:  # first-use imports (charts, safety) are not a load
                _ask(self.cold_store, question, self.tr)
        self.times: dict[str, list[float]] = {}
        self.cpu_times: dict[str, list[float]] = {}  # this process's CPU (not the server's)
        self.answer_times: dict[str, list[float]] = {}

    def mode(self) -> contextlib.AbstractContextManager[None]:
        return plaintext() if self.plain else contextlib.nullcontext()

    def run(self, name: str) -> None:
        if name == "refresh":  # another instance writes first (not timed)
            with self.mode():
                _insert_document(self.other, self.rng)
        if name in QUESTIONS:
            with self.mode():
                load, total, replies = _ask(self.cold_store, name, self.tr)
            assert replies, name
            self.times.setdefault(name, []).append(load)
            self.answer_times.setdefault(name, []).append(total)
            return
        action: Callable[[], object] = {
            "cold": lambda: _load_all(self.cold_store),
            "cold_rows": lambda: _load_all(self.rows_store),
            "cold_after_writes": lambda: _load_all(self.cold_store),
            "refresh": lambda: _load_all(self.writer),
            "warm": lambda: _load_all(self.writer),
            "insert": lambda: _insert_document(self.writer, self.rng),
            "warm_after_insert": lambda: _load_all(self.writer),
        }[name]
        with self.mode():
            started, cpu = time.perf_counter(), time.process_time()
            result = action()
            self.times.setdefault(name, []).append((time.perf_counter() - started) * 1000)
            self.cpu_times.setdefault(name, []).append((time.process_time() - cpu) * 1000)
        del result  # freed outside the timed span

    def close(self) -> None:
        self.writer.close()
        self.cold_store.close()
        self.rows_store.close()
        self.other.close()


def _measure(
    new_url: Callable[[], str], key: bytes, history: History, runs: int, only: str | None
) -> tuple[_Side, _Side]:
    """Encrypted and plaintext sides, each operation alternated between them (fair under load)."""
    encrypted = _Side(new_url(), key, history, plain=False)
    plain = _Side(new_url(), key, history, plain=True)
    for side in (encrypted, plain):
        print(
            f"   ({'plaintext' if side.plain else 'encrypted'}: {side.count} records per load; "
            f"filled in {side.fill_s:.1f} s)",
            flush=True,
        )
    phases: list[tuple[tuple[str, ...], int]] = [
        (("cold", "cold_rows"), runs),  # interleaved: snapshot against rows under the same load
        (tuple(QUESTIONS), runs),
        (("warm",), runs * 4),
        (("insert",), runs * 2),
        (("warm_after_insert",), runs),
        (("refresh",), runs),
        (("cold_after_writes",), runs),
    ]
    if only == "questions":  # each question beside the cold load of every kind, same load
        phases = [(("cold", *QUESTIONS), runs)]
    elif only == "insert":
        phases = [(("insert",), runs * 4)]
    for names, repeat in phases:
        for _ in range(repeat):
            for name in names:
                encrypted.run(name)
                plain.run(name)
    encrypted.close()
    plain.close()
    return encrypted, plain


@contextmanager
def _databases(pg_base: str | None) -> Iterator[list[tuple[str, Callable[[], str]]]]:
    tmp = Path(tempfile.mkdtemp(prefix="carnet-bench-"))

    def sqlite_url() -> str:
        return f"sqlite:///{tmp / f'{uuid.uuid4().hex}.db'}"

    with ExitStack() as databases:

        def pg_url() -> str:
            assert pg_base is not None
            return databases.enter_context(fresh_database(pg_base, "carnet_bench"))

        backends = [("sqlite", sqlite_url)]
        if pg_base:
            backends.append(("postgresql", pg_url))
        try:
            yield backends
        finally:
            for path in tmp.glob("*"):
                path.unlink()
            tmp.rmdir()


def _decrypt_only_fresh(
    key: bytes, backends: list[tuple[str, Callable[[], str]]], scale: float
) -> tuple[int, float]:
    """Best of five AES-GCM-only passes over a freshly filled SQLite user."""
    _, new_url = backends[0]
    store = open_store(new_url(), key)
    try:
        _fill(store, *_history(random.Random(2), scale))
        return min((_decrypt_only(store) for _ in range(5)), key=lambda r: r[1])
    finally:
        store.close()


def main() -> int:
    """Print load-all and insert figures, encrypted and plaintext, on each backend."""
    parser = argparse.ArgumentParser(prog="bench.store")
    parser.add_argument(
        "--scale", type=float, default=float(os.environ.get("CARNET_BENCH_SCALE", "1.0"))
    )
    parser.add_argument("--runs", type=int, default=11)
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--questions", action="store_true", help="only cold load-all and the question families"
    )
    only.add_argument("--insert", action="store_true", help="only the insert of a document")
    args = parser.parse_args()
    history = _history(random.Random(1), args.scale)
    print(
        f"store: {len(history[0])} medications, {len(history[1])} lab results, "
        f"{len(history[2])} documents, {len(history[3])} allergies and vaccinations; "
        f"{args.runs} cold runs; load average {os.getloadavg()[0]:.1f}; "
        "each operation alternates with the reference",
        flush=True,
    )
    key = secrets.token_bytes(32)
    with _databases(os.environ.get("CARNET_TEST_DATABASE_URL")) as backends:
        for backend, new_url in backends:
            print(f"-- {backend}", flush=True)
            encrypted, plain = _measure(
                new_url,
                key,
                history,
                args.runs,
                "questions" if args.questions else "insert" if args.insert else None,
            )
            print(
                f"{backend:<10} {'operation':<22} {'median ms':>10} {'p99 ms':>8} "
                f"{'plain med':>10} {'ratio':>6} {'answer med/p99':>15}  target 50/150"
                "  (or client cpu med)"
            )
            for name in NAMES:
                if name not in encrypted.times:
                    continue
                med, p99 = _stats(encrypted.times[name])
                ref, _ = _stats(plain.times[name])
                label = NAMES[name]
                answer = ""
                if name in encrypted.answer_times:
                    a_med, a_p99 = _stats(encrypted.answer_times[name])
                    answer = f"{a_med:.1f}/{a_p99:.1f}"
                elif name in encrypted.cpu_times:  # client CPU, median (less load-dependent)
                    answer = f"cpu {_stats(encrypted.cpu_times[name])[0]:.1f}"
                verdict = ""  # the target is for what a question loads cold
                if name == "cold" or name in QUESTIONS:
                    verdict = "meets" if med <= 50 and p99 <= 150 else "misses"
                print(
                    f"{backend:<10} {label:<22} {med:>10.1f} {p99:>8.1f} {ref:>10.1f} "
                    f"{med / ref:>5.2f}x {answer:>15}  {verdict}",
                    flush=True,
                )
        rows, spent = _decrypt_only_fresh(key, backends, args.scale)
        print(
            f"AES-GCM open of {rows} payloads alone (SQLite rows already fetched): "
            f"{spent:.1f} ms ({spent / max(rows, 1) * 1000:.1f} us each)",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
