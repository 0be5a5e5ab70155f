"""Extraction benchmark: the real pipeline on the synthetic corpus, scored against ground truth.

Generates the seeded corpus (tests/synthetic) in a temporary folder, runs
``extraction.extract_document`` on every document in every rendering (text PDF, scanned PDF,
clean image, phone photo, Telegram photo), and prints per document kind and per rendering:
detection precision/recall/F1 for medications, lab results and vaccinations; the accuracy of
each field; items invented on non-medical documents; median and maximum seconds per document;
the ratio of the pipeline's time to plain ``tesseract FILE - -l fra+eng`` on the same original
file, measured in the same run; and peak memory, including a 50-megapixel photo read in a fresh
process. Results also go to bench/out/extraction.json (extraction-ENGINE.json when
CARNET_BENCH_OCR is set), with examples of every kind of miss.

    .venv/bin/python -m bench extraction
    CARNET_BENCH_SCALE=4 CARNET_BENCH_RENDERINGS=photo,telegram .venv/bin/python -m bench \
        extraction

Environment: CARNET_BENCH_SCALE (documents per kind, default 2), CARNET_BENCH_SEED (default 1),
CARNET_BENCH_RENDERINGS (comma list; heic,webp: the phone photo as HEIC and WebP files, made only
when asked for), CARNET_BENCH_KINDS (comma list), CARNET_BENCH_OCR
(engine name, default the pipeline's), CARNET_BENCH_CELL_READER (``none``: no second reading of
doubtful number cells), CARNET_BENCH_CORPUS (reuse or keep a corpus folder), CARNET_BENCH_BIG=0
(skip the 50-megapixel probe).
"""

from __future__ import annotations

import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from extraction import ExtractedDocument, ExtractionError, ExtractionOptions, InputFile, imaging
from extraction.api import extract_document
from extraction.inputs import open_image
from tests.synthetic import RENDERINGS, DocumentTruth, load_corpus

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "extraction.json"
PHOTOS = ("photo", "telegram", "heic", "webp")
ITEMS = ("medications", "lab_results", "vaccinations", "allergies")
FIELDS = {
    "medications": (
        "strength",
        "frequency",
        "duration",
        "supply",
        "as_needed",
        "max_per_day",
        "renewals",
    ),
    "lab_results": ("value", "unit", "range", "flag"),
    "vaccinations": ("date", "lot"),
    "document": ("kind", "date"),
}
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".heic": "image/heic",
    ".webp": "image/webp",
}
MB = 1024 * 1024


def target_f1(rendering: str) -> float:
    """Detection F1 target: 0.99 on text PDFs, 0.95 on everything photographed or scanned."""
    return 0.99 if rendering == "text_pdf" else 0.95


def target_field(rendering: str) -> float:
    """Field accuracy target: 0.99 on text PDFs, 0.92 otherwise."""
    return 0.99 if rendering == "text_pdf" else 0.92


TARGET_MEDIAN_SECONDS = 3.0  # per photographed page, 2 cores
TARGET_RATIO = 1.3  # pipeline time / plain tesseract time on the same file
TARGET_PEAK_MB = 500.0  # 50-megapixel photo


# ---------------------------------------------------------------- normalisation and matching


def norm(text: str | None) -> str:
    """Lower case, no accents, alphanumerics and single spaces."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKD", text.replace("μ", "µ"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^0-9a-zµ%]+", " ", text).strip()


def name_score(expected: Sequence[str], candidates: Iterable[str | None]) -> float:
    """Best fuzzy score (0-100) of any expected spelling against any predicted one.

    The predicted name may carry strength and form ("Doliprane 1000 mg comprimé"), so it is also
    compared on its first words only.
    """
    best = 0.0
    for exp in map(norm, expected):
        if not exp:
            continue
        words = len(exp.split())
        for cand in map(norm, candidates):
            if not cand:
                continue
            head = " ".join(cand.split()[:words])
            # a head-only match ranks just below a full match, so "Hémoglobine" pairs with
            # "Hémoglobine" before "Hémoglobine glyquée HbA1c"
            best = max(best, fuzz.ratio(exp, cand), fuzz.ratio(exp, head) * 0.98)
    return best


def match(
    expected: Sequence[Any],
    predicted: Sequence[Any],
    score: Callable[[Any, Any], float],
    threshold: float,
) -> list[tuple[int, int]]:
    """Greedy one-to-one matching of expected to predicted items, best scores first."""
    pairs = sorted(
        ((score(e, p), i, j) for i, e in enumerate(expected) for j, p in enumerate(predicted)),
        reverse=True,
    )
    used_e: set[int] = set()
    used_p: set[int] = set()
    out = []
    for value, i, j in pairs:
        if value < threshold:
            break
        if i in used_e or j in used_p:
            continue
        used_e.add(i)
        used_p.add(j)
        out.append((i, j))
    return out


_UNIT_FACTORS = {"g": ("mg", 1000.0), "mg": ("mg", 1.0), "µg": ("mg", 0.001)}


def strength_key(text: str | None) -> str:
    """A comparable form of a strength: '1 g' == '1000 mg', '75 mcg' == '75 µg', commas = dots."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).replace("μ", "µ").lower()
    text = re.sub(r"\b(mcg|microgrammes?|micrograms?)\b", "µg", text)
    text = text.replace(",", ".").replace(" ", "")
    simple = re.fullmatch(r"(\d+(?:\.\d+)?)(g|mg|µg)", text)
    if simple:
        unit, factor = _UNIT_FACTORS[simple.group(2)]
        return f"{float(simple.group(1)) * factor:g}{unit}"
    return text


def unit_key(text: str | None) -> str:
    """A comparable form of a lab unit (case kept: G/L is not g/L)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text).replace("μ", "µ")
    return text.replace(" ", "").replace(",", ".")


def close(a: float | None, b: float | None) -> bool:
    """Whether two optional numbers are equal (both missing counts as equal)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 1e-6 * max(1.0, abs(a), abs(b))


def close_rel(a: float | None, b: float | None, rel: float = 0.02) -> bool:
    """Equal within a relative tolerance (intakes per day from intervals are fractions)."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-9)


# ---------------------------------------------------------------- scoring one extraction


@dataclass
class Score:
    """Counts for one (document, rendering): detections, field hits, and examples of misses."""

    detect: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0, 0]))
    fields: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    misses: list[dict[str, Any]] = field(default_factory=list)
    invented: int = 0

    def hit(
        self, name: str, ok: bool, expected: Any = None, predicted: Any = None, context: str = ""
    ) -> None:
        """Count a field comparison (and keep the miss as an example)."""
        tally = self.fields[name]
        tally[0] += int(ok)
        tally[1] += 1
        if not ok:
            self.misses.append(
                {
                    "field": name,
                    "expected": _plain(expected),
                    "predicted": _plain(predicted),
                    "context": context,
                }
            )


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _days(duration: Any) -> float | None:
    return None if duration is None else float(duration.days)


def score_medications(truth: DocumentTruth, doc: ExtractedDocument, out: Score) -> None:
    """Match medications by name and compare strength and posology fields."""
    pairs = match(
        truth.medications,
        doc.medications,
        lambda e, p: name_score([e.name], [p.name, p.normalized_name]),
        80,
    )
    _count(out, "medications", len(truth.medications), len(doc.medications), len(pairs))
    for i, j in pairs:
        e, p = truth.medications[i], doc.medications[j]
        pos = p.posology
        ctx = f"{e.line} | {e.posology}"
        if e.strength or p.strength:
            out.hit(
                "medications.strength",
                strength_key(e.strength) == strength_key(p.strength),
                e.strength,
                p.strength,
                ctx,
            )
        if e.intakes_per_day is not None or pos.intakes_per_day is not None:
            out.hit(
                "medications.frequency",
                close_rel(e.intakes_per_day, pos.intakes_per_day),
                e.intakes_per_day,
                pos.intakes_per_day,
                ctx,
            )
        if e.duration_days is not None or pos.duration is not None:
            out.hit(
                "medications.duration",
                close(e.duration_days, _days(pos.duration)),
                e.duration_days,
                _days(pos.duration),
                ctx,
            )
        if e.supply_days is not None or pos.supply_duration is not None:
            out.hit(
                "medications.supply",
                close(e.supply_days, _days(pos.supply_duration)),
                e.supply_days,
                _days(pos.supply_duration),
                ctx,
            )
        if e.as_needed or pos.as_needed:
            out.hit(
                "medications.as_needed",
                e.as_needed == pos.as_needed,
                e.as_needed,
                pos.as_needed,
                ctx,
            )
        max_day = pos.max_per_day.value if pos.max_per_day else None
        if e.max_per_day is not None or max_day is not None:
            out.hit(
                "medications.max_per_day",
                close(e.max_per_day, max_day),
                e.max_per_day,
                max_day,
                ctx,
            )
        if e.renewals or pos.renewals:
            out.hit(
                "medications.renewals",
                (e.renewals or 0) == (pos.renewals or 0),
                e.renewals,
                pos.renewals,
                ctx,
            )
    _unmatched(
        out,
        "medications",
        truth.medications,
        doc.medications,
        pairs,
        lambda e: e.line,
        lambda p: f"{p.name} {p.strength or ''}",
    )


def score_labs(truth: DocumentTruth, doc: ExtractedDocument, out: Score) -> None:
    """Match lab results by name and compare value, unit, range and flag."""
    pairs = match(
        truth.lab_results,
        doc.lab_results,
        lambda e, p: name_score([e.name, e.canonical], [p.name, p.normalized_name]),
        82,
    )
    _count(out, "lab_results", len(truth.lab_results), len(doc.lab_results), len(pairs))
    for i, j in pairs:
        e, p = truth.lab_results[i], doc.lab_results[j]
        ctx = f"{e.name} {e.value_text} {e.unit} [{e.range_text}]"
        out.hit("lab_results.value", close(e.value, p.value), e.value, p.value, ctx)
        if (
            e.previous_value is not None
            and p.value is not None
            and close(e.previous_value, p.value)
        ):
            out.hit("lab_results.previous_taken", False, e.value, p.value, ctx)
        out.hit("lab_results.unit", unit_key(e.unit) == unit_key(p.unit), e.unit, p.unit, ctx)
        rng = p.reference_range
        low, high = (rng.low, rng.high) if rng else (None, None)
        out.hit(
            "lab_results.range",
            close(e.low, low) and close(e.high, high),
            [e.low, e.high],
            [low, high],
            ctx,
        )
        flag = p.interpretation.value if p.interpretation else "N"
        out.hit("lab_results.flag", e.flag == flag, e.flag, flag, ctx)
    _unmatched(
        out,
        "lab_results",
        truth.lab_results,
        doc.lab_results,
        pairs,
        lambda e: f"{e.name} {e.value_text}",
        lambda p: f"{p.name} {p.value}",
    )


def score_vaccinations(truth: DocumentTruth, doc: ExtractedDocument, out: Score) -> None:
    """Match doses by brand (the date breaks ties) and compare date and lot."""

    def score(e: Any, p: Any) -> float:
        base = name_score([e.vaccine], [p.product, p.normalized_name])
        return base + (10 if p.date == e.date else 0) if base >= 80 else base

    pairs = match(truth.vaccinations, doc.vaccinations, score, 80)
    _count(out, "vaccinations", len(truth.vaccinations), len(doc.vaccinations), len(pairs))
    for i, j in pairs:
        e, p = truth.vaccinations[i], doc.vaccinations[j]
        ctx = f"{e.vaccine} {e.date} {e.lot}"
        out.hit("vaccinations.date", e.date == p.date, e.date, p.date, ctx)
        lot = re.sub(r"\s", "", (p.lot_number or "")).upper() or None
        if e.lot or lot:
            out.hit("vaccinations.lot", e.lot == lot, e.lot, p.lot_number, ctx)
    _unmatched(
        out,
        "vaccinations",
        truth.vaccinations,
        doc.vaccinations,
        pairs,
        lambda e: f"{e.vaccine} {e.date}",
        lambda p: f"{p.product} {p.date}",
    )


def score_allergies(truth: DocumentTruth, doc: ExtractedDocument, out: Score) -> None:
    """Match allergies by substance."""
    pairs = match(
        truth.allergies,
        doc.allergies,
        lambda e, p: name_score([e.substance], [p.substance, p.normalized_substance]),
        80,
    )
    _count(out, "allergies", len(truth.allergies), len(doc.allergies), len(pairs))


def _count(out: Score, item: str, expected: int, predicted: int, matched: int) -> None:
    tally = out.detect[item]
    tally[0] += matched
    tally[1] += predicted - matched
    tally[2] += expected - matched


def _unmatched(
    out: Score,
    item: str,
    expected: Sequence[Any],
    predicted: Sequence[Any],
    pairs: list[tuple[int, int]],
    show_e: Callable[[Any], str],
    show_p: Callable[[Any], str],
) -> None:
    got_e = {i for i, _ in pairs}
    got_p = {j for _, j in pairs}
    for i, e in enumerate(expected):
        if i not in got_e:
            out.misses.append({"field": f"{item}.missed", "expected": show_e(e)})
    for j, p in enumerate(predicted):
        if j not in got_p:
            out.misses.append({"field": f"{item}.invented", "predicted": show_p(p)})


def score_document(
    truth: DocumentTruth, doc: ExtractedDocument | None, error: str | None
) -> Score:
    """Score one extraction (``doc`` None when the pipeline raised ``error``)."""
    out = Score()
    if doc is None:
        doc = ExtractedDocument(document_id="failed", source_name=truth.id)
        out.misses.append({"field": "document.error", "predicted": error})
    out.hit("document.kind", doc.kind.value == truth.kind, truth.kind, doc.kind.value)
    if truth.date is not None:
        out.hit("document.date", doc.document_date == truth.date, truth.date, doc.document_date)
    score_medications(truth, doc, out)
    score_labs(truth, doc, out)
    score_vaccinations(truth, doc, out)
    score_allergies(truth, doc, out)
    if truth.kind == "other":
        out.invented = doc.item_count
    return out


# ---------------------------------------------------------------- running


@dataclass
class Run:
    """One document in one rendering: its truth, timings and score."""

    truth: DocumentTruth
    rendering: str
    seconds: float
    tesseract_seconds: float | None
    error: str | None
    score: Score
    cpu_seconds: float = 0.0
    tesseract_cpu: float | None = None


def cpu_now() -> tuple[float, float]:
    """CPU seconds (user + system) used so far by this process and by its waited-for children.

    On the shared machine wall times follow the load of the moment; CPU time does not, so the
    ratio is also given in CPU seconds (pipeline: this process + its tesseract runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def files_of(folder: Path, truth: DocumentTruth, rendering: str) -> list[InputFile]:
    """The input files of one rendering of a document (an album for multi-page photos)."""
    return [
        InputFile(
            name=name, data=(folder / name).read_bytes(), media_type=MEDIA_TYPES[Path(name).suffix]
        )
        for name in truth.files[rendering]
    ]


def tesseract_seconds(paths: list[Path], languages: str) -> tuple[float, float]:
    """Wall and CPU time of plain ``tesseract FILE - -l LANGS`` on each file (PDF pages
    rasterised and HEIC photos converted to PNG first, outside the timing, since the tesseract
    CLI reads neither)."""
    total = cpu = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        images: list[Path] = []
        for path in paths:
            if path.suffix == ".pdf":
                import pypdfium2

                pdf = pypdfium2.PdfDocument(str(path))
                for index in range(len(pdf)):
                    target = Path(tmp) / f"{path.stem}-{index}.png"
                    pdf[index].render(scale=300 / 72).to_pil().save(target)
                    images.append(target)
                pdf.close()
            elif path.suffix == ".heic":  # the CLI cannot read HEIC either
                import pillow_heif

                target = Path(tmp) / f"{path.stem}.png"
                pillow_heif.open_heif(str(path)).to_pillow().save(target)
                images.append(target)
            else:
                images.append(path)
        for image in images:
            started = time.perf_counter()
            _, children = cpu_now()
            subprocess.run(
                ["tesseract", str(image), "-", "-l", languages], capture_output=True, check=False
            )
            total += time.perf_counter() - started
            cpu += cpu_now()[1] - children
    return total, cpu


def run_one(folder: Path, truth: DocumentTruth, rendering: str, options: ExtractionOptions) -> Run:
    """Extract one rendering of a document, time it, time plain tesseract on it, score it."""
    inputs = files_of(folder, truth, rendering)
    own, children = cpu_now()
    started = time.perf_counter()
    doc: ExtractedDocument | None = None
    error = None
    try:
        doc = extract_document(inputs, options)
    except ExtractionError as exc:
        error = exc.code
    seconds = time.perf_counter() - started
    own_after, children_after = cpu_now()
    reference = reference_cpu = None
    if rendering != "text_pdf":
        paths = [folder / name for name in truth.files[rendering]]
        reference, reference_cpu = tesseract_seconds(paths, options.languages)
    return Run(
        truth,
        rendering,
        seconds,
        reference,
        error,
        score_document(truth, doc, error),
        cpu_seconds=own_after - own + children_after - children,
        tesseract_cpu=reference_cpu,
    )


def make_corpus(
    root: Path, seed: int, scale: int, renderings: list[str], kinds: list[str]
) -> None:
    """Generate the corpus in a child process (its memory must not count in the peak)."""
    if (root / "manifest.json").exists():
        return
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.synthetic",
            str(root),
            "--seed",
            str(seed),
            "--n",
            str(scale),
            "--renderings",
            ",".join(renderings),
            "--kinds",
            ",".join(kinds),
        ],
        check=True,
        cwd=ROOT,
    )


def make_big_photo(path: str, megapixels: float = 50.0) -> None:
    """Write a phone photo of about ``megapixels`` of a lab report page (child-process helper)."""
    import random

    from tests.synthetic.corpus import build_document
    from tests.synthetic.photo import phone_photo
    from tests.synthetic.render import jpeg_bytes, page_image

    _, draft = build_document(1, "lab_report", 0)
    page = page_image(draft.writer.pages[0], dpi=600)
    long_side = int((megapixels * 1e6 * 4 / 3) ** 0.5) // 4 * 4
    shot = phone_photo(page, random.Random(5), 5, long_side=long_side, turns=0)
    Path(path).write_bytes(jpeg_bytes(shot, 85))


def probe_big(path: str, engine: str | None) -> None:
    """Extract one file in this (fresh) process and print seconds and peak RSS as JSON."""
    options = ExtractionOptions(ocr_engine=engine) if engine else ExtractionOptions()
    data = Path(path).read_bytes()
    started = time.perf_counter()
    error = None
    items = 0
    try:
        doc = extract_document(
            [InputFile(name="big.jpg", data=data, media_type="image/jpeg")], options
        )
        items = doc.item_count
    except ExtractionError as exc:
        error = exc.code
    seconds = time.perf_counter() - started
    # VmHWM is this process's own peak; ru_maxrss would start at the (big) bench's RSS
    own = int(Path("/proc/self/status").read_text().split("VmHWM:")[1].split()[0]) / 1024
    children = tesseract_peak_mb(data)
    print(
        json.dumps(
            {
                "seconds": seconds,
                "python_peak_mb": own,
                "child_peak_mb": children,
                "error": error,
                "items": items,
            }
        )
    )


_RUN_AND_REPORT = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], capture_output=True); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def tesseract_peak_mb(data: bytes) -> float:
    """Peak RSS (MB) of Tesseract on the page the pipeline prepares from the photo ``data``.

    A child started by ``subprocess`` (vfork) has its ``ru_maxrss`` start at the parent's RSS
    (a 300 MB process running ``true`` reports a 311 MB child), so the pipeline's own Tesseract
    runs would only repeat this process's size: the prepared page is read again by Tesseract
    started from a bare Python process (~10 MB), which reports its child's peak.
    """
    prepared = imaging.prepare(open_image(data, ExtractionOptions(), "image/jpeg"))
    with tempfile.NamedTemporaryFile(suffix=".pgm") as page:
        prepared.image.save(page.name)
        command = ["tesseract", page.name, "stdout", "-l", "fra+eng", "--psm", "6", "tsv"]
        done = subprocess.run(
            [sys.executable, "-c", _RUN_AND_REPORT, *command],
            capture_output=True,
            text=True,
            check=True,
        )
    return int(done.stdout.strip()) / 1024


def big_photo(tmp: Path, options: ExtractionOptions, engine: str | None) -> dict[str, Any]:
    """Peak memory and time for a 50-megapixel photo, each in a fresh process."""
    path = tmp / "big.jpg"
    code = "import sys; from bench.extraction import make_big_photo as f; f(sys.argv[1])"
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, cwd=ROOT)
    code = (
        "import sys; from bench.extraction import probe_big as f; "
        "f(sys.argv[1], sys.argv[2] or None)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), engine or ""],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    from PIL import Image

    with Image.open(path) as image:
        result["megapixels"] = round(image.width * image.height / 1e6, 1)
    result["tesseract_seconds"], result["tesseract_cpu"] = tesseract_seconds(
        [path], options.languages
    )
    result["ratio"] = result["seconds"] / result["tesseract_seconds"]
    result["peak_mb"] = result["python_peak_mb"] + result["child_peak_mb"]
    return result


# ---------------------------------------------------------------- aggregation and report


def aggregate(runs: Iterable[Run]) -> dict[str, Any]:
    """Sum detections and field hits over runs: P/R/F1 per item type, accuracy per field."""
    detect: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    fields: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    invented = other_docs = errors = 0
    seconds, per_page, reference, cpu = [], [], [], []
    for run in runs:
        for item, (tp, fp, fn) in run.score.detect.items():
            detect[item][0] += tp
            detect[item][1] += fp
            detect[item][2] += fn
        for name, (ok, total) in run.score.fields.items():
            fields[name][0] += ok
            fields[name][1] += total
        if run.truth.kind == "other":
            other_docs += 1
            invented += run.score.invented
        errors += run.error is not None
        seconds.append(run.seconds)
        per_page.append(run.seconds / max(1, run.truth.pages))
        if run.tesseract_seconds:
            reference.append((run.seconds, run.tesseract_seconds))
        if run.tesseract_cpu:
            cpu.append((run.cpu_seconds, run.tesseract_cpu))
    out: dict[str, Any] = {
        "documents": len(seconds),
        "errors": errors,
        "detection": {},
        "fields": {},
    }
    for item, (tp, fp, fn) in sorted(detect.items()):
        if tp + fp + fn == 0:
            continue
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out["detection"][item] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    for name, (ok, total) in sorted(fields.items()):
        out["fields"][name] = {"correct": ok, "total": total, "accuracy": ok / total}
    out["non_medical"] = {"documents": other_docs, "invented_items": invented}
    if seconds:
        out["seconds"] = {
            "median": statistics.median(seconds),
            "max": max(seconds),
            "median_per_page": statistics.median(per_page),
        }
    if reference:
        pipeline = sum(a for a, _ in reference)
        plain = sum(b for _, b in reference)
        out["tesseract"] = {
            "median": statistics.median(b for _, b in reference),
            "ratio": pipeline / plain,
            "cpu_ratio": sum(a for a, _ in cpu) / sum(b for _, b in cpu) if cpu else None,
        }
    return out


def _fmt(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _mark(value: float | None, target: float, higher: bool = True) -> str:
    if value is None:
        return " "
    return "✓" if (value >= target if higher else value <= target) else "✗"


def print_detection(
    title: str, groups: dict[str, dict[str, Any]], target: Callable[[str], float]
) -> None:
    """Detection P/R/F1 per group and item type, with the target."""
    print(f"\n{title}")
    print(f"{'':28}{'item':14}{'P':>7}{'R':>7}{'F1':>7}  target   tp/fp/fn")
    for group, agg in groups.items():
        rendering = group.split(" ")[-1]
        for item, d in agg["detection"].items():
            goal = target(rendering)
            print(
                f"{group:28}{item:14}{d['precision']:7.3f}{d['recall']:7.3f}{d['f1']:7.3f}  "
                f"≥{goal:.2f} {_mark(d['f1'], goal)}  {d['tp']}/{d['fp']}/{d['fn']}"
            )


def print_fields(groups: dict[str, dict[str, Any]]) -> None:
    """Field accuracy per rendering (columns) and field (rows), with the target."""
    names = sorted({name for agg in groups.values() for name in agg["fields"]})
    print(
        "\nField accuracy (matched items; n = compared) — target ≥0.92 photos/scans, "
        "≥0.99 text PDF"
    )
    print(f"{'field':32}" + "".join(f"{g:>18}" for g in groups))
    for name in names:
        cells = []
        for group, agg in groups.items():
            cell = agg["fields"].get(name)
            if cell is None:
                cells.append(f"{'':>18}")
                continue
            goal = target_field(group)
            mark = _mark(cell["accuracy"], goal) if name != "lab_results.previous_taken" else ""
            text = f"{cell['accuracy']:.3f} {mark} n={cell['total']}"
            cells.append(f"{text:>18}")
        print(f"{name:32}" + "".join(cells))


def print_speed(groups: dict[str, dict[str, Any]]) -> None:
    """Seconds per document and per page, and the ratio to plain tesseract (wall and CPU)."""
    print(
        "\nSpeed (seconds; ratio = pipeline / plain tesseract on the same files, same run; "
        "cpu r. = the same in CPU seconds, steadier under load)"
    )
    print(
        f"{'rendering':14}{'docs':>6}{'errors':>8}{'median':>8}{'/page':>8}{'max':>8}"
        f"{'tess.':>8}{'ratio':>8}{'cpu r.':>8}  targets: median/page ≤{TARGET_MEDIAN_SECONDS:g}"
        f" s (photos), ratio ≤{TARGET_RATIO:g}"
    )
    for group, agg in groups.items():
        s = agg.get("seconds", {})
        t = agg.get("tesseract", {})
        ratio = t.get("ratio")
        page = s.get("median_per_page")
        print(
            f"{group:14}{agg['documents']:6d}{agg['errors']:8d}{_fmt(s.get('median')):>8}"
            f"{_fmt(page):>8}{_fmt(s.get('max')):>8}{_fmt(t.get('median')):>8}"
            f"{_fmt(ratio):>8}{_fmt(t.get('cpu_ratio')):>8}  "
            f"{_mark(page, TARGET_MEDIAN_SECONDS, False) if group in PHOTOS else ' '}"
            f"{_mark(ratio, TARGET_RATIO, False)}"
        )


MAIN_ITEM = {
    "prescription": "medications",
    "lab_report": "lab_results",
    "vaccination_record": "vaccinations",
}


def print_subtypes(runs: list[Run], renderings: list[str]) -> None:
    """F1 of each document variant's main item type, per rendering (where layouts differ)."""
    variants = sorted(
        {
            (r.truth.kind, r.truth.language, r.truth.layout, r.truth.subtype)
            for r in runs
            if r.truth.kind in MAIN_ITEM
        }
    )
    if not variants:
        return
    print("\nMain-item F1 per document variant (kind language layout subtype)")
    print(f"{'variant':48}" + "".join(f"{r:>10}" for r in renderings))
    for kind, language, layout, subtype in variants:
        cells = []
        for rendering in renderings:
            agg = aggregate(
                r
                for r in runs
                if r.rendering == rendering
                and (r.truth.kind, r.truth.language, r.truth.layout, r.truth.subtype)
                == (kind, language, layout, subtype)
            )
            f1 = agg["detection"].get(MAIN_ITEM[kind], {}).get("f1")
            cells.append(f"{_fmt(f1, 3):>10}")
        print(f"{' '.join([kind, language, layout, subtype]):48}" + "".join(cells))


def examples(runs: list[Run], per_key: int = 4) -> dict[str, list[dict[str, Any]]]:
    """A few examples of each kind of miss, per rendering."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for run in runs:
        for miss in run.score.misses:
            key = f"{run.rendering} {miss['field']}"
            if len(out[key]) < per_key:
                out[key].append({"document": run.truth.id, **miss})
    return dict(sorted(out.items()))


def main() -> int:
    """Generate the corpus, run the pipeline on it, print and save the figures."""
    scale = int(os.environ.get("CARNET_BENCH_SCALE", "2"))
    seed = int(os.environ.get("CARNET_BENCH_SEED", "1"))
    renderings = [
        r for r in os.environ.get("CARNET_BENCH_RENDERINGS", ",".join(RENDERINGS)).split(",") if r
    ]
    kinds = [
        k
        for k in os.environ.get(
            "CARNET_BENCH_KINDS", "prescription,lab_report,vaccination_record,other"
        ).split(",")
        if k
    ]
    engine = os.environ.get("CARNET_BENCH_OCR") or None
    options = ExtractionOptions(ocr_engine=engine) if engine else ExtractionOptions()
    cells = os.environ.get("CARNET_BENCH_CELL_READER")  # "none": no second reading of cells
    if cells:
        options = options.model_copy(update={"cell_reader": cells})
    keep = os.environ.get("CARNET_BENCH_CORPUS")
    with tempfile.TemporaryDirectory(prefix="carnet-bench-") as tmp:
        root = Path(keep) if keep else Path(tmp) / "corpus"
        started = time.perf_counter()
        make_corpus(root, seed, scale, renderings, kinds)
        print(
            f"corpus: {scale} per kind, seed {seed}, {root} "
            f"({time.perf_counter() - started:.0f} s); engine {options.ocr_engine}, "
            f"cell reader {options.cell_reader}",
            flush=True,
        )
        runs: list[Run] = []
        for folder, truth in load_corpus(root):
            for rendering in renderings:
                if rendering not in truth.files:
                    continue
                run = run_one(folder, truth, rendering, options)
                runs.append(run)
                print(
                    f"  {truth.id:24}{rendering:10}{run.seconds:7.2f} s  {run.error or ''}",
                    flush=True,
                )
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        big = None
        if os.environ.get("CARNET_BENCH_BIG", "1") != "0":
            big = big_photo(Path(tmp), options, engine)
    by_rendering = {r: aggregate(x for x in runs if x.rendering == r) for r in renderings}
    by_cell = {
        f"{k} {r}": aggregate(x for x in runs if x.rendering == r and x.truth.kind == k)
        for k in kinds
        for r in renderings
    }
    print_detection("Detection per rendering", by_rendering, target_f1)
    print_detection(
        "Detection per document kind and rendering",
        {k: v for k, v in by_cell.items() if v["detection"]},
        target_f1,
    )
    print_subtypes(runs, renderings)
    print_fields(by_rendering)
    print("\nDocument kind accuracy and invented items on non-medical documents (target 0)")
    for group, agg in by_cell.items():
        kind = agg["fields"].get("document.kind", {})
        extra = ""
        if group.startswith("other"):
            invented = agg["non_medical"]["invented_items"]
            extra = f"  invented items: {invented} {_mark(invented, 0, False)}"
        print(f"  {group:32} kind {_fmt(kind.get('accuracy'), 3)}{extra}")
    print_speed(by_rendering)
    print(
        f"\nPeak RSS of this process over the corpus: {peak_mb:.0f} MB "
        "(tesseract runs in child processes)"
    )
    if big:
        print(
            f"{big['megapixels']} MP photo in a fresh process: {big['seconds']:.1f} s, "
            f"peak {big['python_peak_mb']:.0f} MB Python + {big['child_peak_mb']:.0f} MB "
            f"tesseract = {big['peak_mb']:.0f} MB (target ≤{TARGET_PEAK_MB:g}) "
            f"{_mark(big['peak_mb'], TARGET_PEAK_MB, False)}; plain tesseract "
            f"{big['tesseract_seconds']:.1f} s, ratio {big['ratio']:.2f}; "
            f"{big['items']} items {big['error'] or ''}"
        )
    report = {
        "config": {
            "scale": scale,
            "seed": seed,
            "renderings": renderings,
            "kinds": kinds,
            "engine": options.ocr_engine,
            "cpus": os.cpu_count(),
        },
        "targets": {
            "f1_photo": 0.95,
            "field_photo": 0.92,
            "text_pdf": 0.99,
            "median_seconds_per_page": TARGET_MEDIAN_SECONDS,
            "ratio": TARGET_RATIO,
            "peak_mb": TARGET_PEAK_MB,
        },
        "by_rendering": by_rendering,
        "by_kind_rendering": by_cell,
        "peak_rss_mb": peak_mb,
        "big_photo": big,
        "examples": examples(runs),
        "runs": [
            {
                "document": r.truth.id,
                "kind": r.truth.kind,
                "subtype": r.truth.subtype,
                "language": r.truth.language,
                "rendering": r.rendering,
                "pages": r.truth.pages,
                "seconds": r.seconds,
                "tesseract_seconds": r.tesseract_seconds,
                "cpu_seconds": r.cpu_seconds,
                "tesseract_cpu": r.tesseract_cpu,
                "error": r.error,
            }
            for r in runs
        ],
    }
    out = OUT if engine is None else OUT.with_name(f"extraction-{engine}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n", "utf-8")
    print(f"\nwritten {out.relative_to(ROOT)}")
    return 0
