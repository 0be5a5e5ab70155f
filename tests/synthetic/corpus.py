"""generate_corpus: documents of every kind, rendered every way, with ground truth beside each."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterable
from pathlib import Path

from PIL import Image

from tests.synthetic import others, prescriptions, vaccinations
from tests.synthetic.labs import build_lab_report
from tests.synthetic.photo import phone_photo, telegram
from tests.synthetic.render import (
    heic_bytes,
    image_pdf,
    jpeg_bytes,
    page_image,
    png_bytes,
    scanned,
    text_pdf,
    webp_bytes,
)
from tests.synthetic.truth import (
    ALL_RENDERINGS,
    KINDS,
    RENDERINGS,
    DocumentTruth,
    Draft,
    Manifest,
    write_json,
)

Builder = Callable[[random.Random], Draft]

SUBTYPES: dict[str, list[tuple[str, str, str, Builder]]] = {
    # kind -> [(subtype, language, layout, builder)], languages and layouts interleaved so that
    # a small corpus (n = 2 or 3 per kind) already holds French and English and several layouts
    "prescription": [
        ("classic", "fr", "classic", lambda r: prescriptions.build_prescription_fr(r, "classic")),
        ("rx", "en", "rx", lambda r: prescriptions.build_prescription_en(r, "rx")),
        (
            "numbered",
            "fr",
            "numbered",
            lambda r: prescriptions.build_prescription_fr(r, "numbered"),
        ),
        ("list", "en", "list", lambda r: prescriptions.build_prescription_en(r, "list")),
        ("ald", "fr", "ald", lambda r: prescriptions.build_prescription_fr(r, "ald")),
    ],
    "lab_report": [
        ("one_page", "fr", "table", lambda r: build_lab_report(r, "table", True, 1)),
        ("several_pages", "en", "table", lambda r: build_lab_report(r, "table", False, 2)),
        ("one_page", "fr", "leaders", lambda r: build_lab_report(r, "leaders", True, 1)),
        ("one_page", "en", "table", lambda r: build_lab_report(r, "table", False, 1)),
        ("several_pages", "fr", "table", lambda r: build_lab_report(r, "table", True, 2)),
    ],
    "vaccination_record": [
        ("carnet", "fr", "table", lambda r: vaccinations.build_vaccination_table(r, True)),
        (
            "certificate",
            "en",
            "letter",
            lambda r: vaccinations.build_vaccination_certificate(r, False),
        ),
        ("carnet", "en", "table", lambda r: vaccinations.build_vaccination_table(r, False)),
        (
            "certificate",
            "fr",
            "letter",
            lambda r: vaccinations.build_vaccination_certificate(r, True),
        ),
    ],
    "other": [
        ("invoice", "fr", "invoice", lambda r: others.build_invoice(r, True)),
        ("letter", "en", "letter", lambda r: others.build_letter(r, False)),
        ("recipe", "fr", "recipe", lambda r: others.build_recipe(r, True)),
        ("invoice", "en", "invoice", lambda r: others.build_invoice(r, False)),
        ("letter", "fr", "letter", lambda r: others.build_letter(r, True)),
        ("recipe", "en", "recipe", lambda r: others.build_recipe(r, False)),
    ],
}


def derive_seed(*parts: object) -> int:
    """A stable 32-bit seed from any parts (independent of PYTHONHASHSEED)."""
    digest = hashlib.sha256(":".join(map(str, parts)).encode()).digest()
    return int.from_bytes(digest[:4], "big")


def build_document(seed: int, kind: str, index: int) -> tuple[DocumentTruth, Draft]:
    """Lay out one document of a kind and its ground truth (no rendering)."""
    variants = SUBTYPES[kind]
    subtype, language, layout, builder = variants[index % len(variants)]
    doc_seed = derive_seed(seed, kind, index)
    draft = builder(random.Random(doc_seed))
    writer = draft.writer
    truth = DocumentTruth(
        id=f"{kind}-{index:03d}",
        kind=kind,
        subtype=subtype,
        language=language,
        layout=layout,
        seed=doc_seed,
        date=draft.date,
        prescriber=draft.prescriber,
        pages=len(writer.pages),
        font=writer.family,
        font_size=writer.size,
        medications=draft.medications,
        lab_results=draft.lab_results,
        vaccinations=draft.vaccinations,
        allergies=draft.allergies,
        text=[page.text for page in writer.pages],
    )
    return truth, draft


def render_document(
    folder: Path,
    truth: DocumentTruth,
    draft: Draft,
    renderings: Iterable[str],
    photo_long_side: int = 4032,
) -> dict[str, list[str]]:
    """Write the requested renderings into ``folder``; returns the file names by rendering."""
    wanted = [r for r in ALL_RENDERINGS if r in set(renderings)]
    pages = draft.writer.pages
    files: dict[str, list[str]] = {}
    if "text_pdf" in wanted:
        (folder / "text.pdf").write_bytes(text_pdf(pages, truth.id))
        files["text_pdf"] = ["text.pdf"]
    if not set(wanted) - {"text_pdf"}:
        return files
    images: list[Image.Image] = [page_image(page) for page in pages]
    rng = random.Random(derive_seed(truth.seed, "render"))
    if "scan_pdf" in wanted:
        scans = [
            scanned(img, rng, derive_seed(truth.seed, "scan", n)) for n, img in enumerate(images)
        ]
        (folder / "scan.pdf").write_bytes(image_pdf(scans, quality=rng.randint(75, 90)))
        files["scan_pdf"] = ["scan.pdf"]
    shots: dict[int, tuple[Image.Image, int]] = {}

    def photographed(number: int, img: Image.Image) -> tuple[Image.Image, int]:
        """The phone photo of a page and its JPEG quality (HEIC and WebP reuse both)."""
        if number not in shots:
            prng = random.Random(derive_seed(truth.seed, "photo", number))
            shot = phone_photo(
                img,
                prng,
                derive_seed(truth.seed, "photo-noise", number),
                long_side=photo_long_side,
            )
            shots[number] = (shot, prng.randint(70, 85))
        return shots[number]

    for rendering in ("image", "photo", "telegram", "heic", "webp"):
        if rendering not in wanted:
            continue
        names = []
        for number, img in enumerate(images, 1):
            prng = random.Random(derive_seed(truth.seed, rendering, number))
            if rendering == "image":
                name, data = f"image-{number}.png", png_bytes(img)
            elif rendering == "photo":
                shot, quality = photographed(number, img)
                name, data = f"photo-{number}.jpg", jpeg_bytes(shot, quality)
            elif rendering == "heic":
                shot, quality = photographed(number, img)
                name, data = f"photo-{number}.heic", heic_bytes(shot, quality)
            elif rendering == "webp":
                shot, quality = photographed(number, img)
                name, data = f"photo-{number}.webp", webp_bytes(shot, quality)
            else:
                shot = phone_photo(
                    img,
                    prng,
                    derive_seed(truth.seed, "telegram-noise", number),
                    long_side=2560,
                    fill=(0.86, 0.95),
                    tilt=4.0,
                    skew=0.03,
                    turns=prng.choices([0, 1, 2, 3], weights=[70, 10, 10, 10])[0],
                )
                name, data = f"telegram-{number}.jpg", telegram(shot, prng.randint(78, 87))
            (folder / name).write_bytes(data)
            names.append(name)
        files[rendering] = names
    return files


def generate_corpus(
    out_dir: Path | str,
    seed: int = 1,
    n_per_kind: int = 10,
    renderings: Iterable[str] = RENDERINGS,
    kinds: Iterable[str] = KINDS,
    photo_long_side: int = 4032,
) -> list[tuple[Path, DocumentTruth]]:
    """Generate ``n_per_kind`` documents of each kind under ``out_dir``, rendered each way.

    Each document gets a folder holding its files and ``truth.json``; ``manifest.json`` lists
    them. The same arguments always give the same bytes. ``photo_long_side`` is the phone
    photo's size (4032 px: a 12-megapixel camera); Telegram photos are always 1280 px.
    """
    root = Path(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    chosen = [r for r in ALL_RENDERINGS if r in set(renderings)]
    unknown = set(renderings) - set(ALL_RENDERINGS)
    if unknown:
        raise ValueError(f"unknown renderings: {sorted(unknown)}")
    out: list[tuple[Path, DocumentTruth]] = []
    for kind in [k for k in KINDS if k in set(kinds)]:
        for index in range(n_per_kind):
            truth, draft = build_document(seed, kind, index)
            folder = root / truth.id
            folder.mkdir(exist_ok=True)
            truth.files = render_document(folder, truth, draft, chosen, photo_long_side)
            write_json(folder / "truth.json", truth)
            out.append((folder, truth))
    manifest = Manifest(
        seed=seed, n_per_kind=n_per_kind, renderings=chosen, documents=[t.id for _, t in out]
    )
    write_json(root / "manifest.json", manifest)
    return out
