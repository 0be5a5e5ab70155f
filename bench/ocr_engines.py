"""OCR engines side by side: character error rate and seconds per page, Tesseract vs RapidOCR.

Pages are rendered here with Pillow and matplotlib's DejaVu fonts (French prescriptions and lab
tables, seeded), then "photographed" (perspective, rotation, shadow, blur, noise, JPEG) at full
size and at Telegram size (1280 px). Each engine runs through carnet's pipeline; plain
``tesseract`` (the CLI, on the same original file) is the reference run, and each line prints
the ratio of its time to it. ``--ablation`` measures each image-preparation step by turning it off.

    .venv/bin/python -m bench.ocr_engines [--pages N] [--ablation]

Measured 2026-11-28 (6 pages each, 2 shared cores under load 8-10; decode to text, per page):

======================  =================  ==================  ==================
rendering               tesseract CLI      carnet + Tesseract  carnet + RapidOCR
======================  =================  ==================  ==================
clean 300 dpi PNG       CER 0.362, 4.90 s  CER 0.007, x0.45    CER 0.000, x2.01
photo 3000 px JPEG      CER 0.275, 2.97 s  CER 0.008, x0.57    CER 0.006, x3.04
Telegram 1280 px JPEG   CER 0.330, 1.84 s  CER 0.024, x0.85    CER 0.022, x1.81
photo turned 90/180     CER 0.870, 4.60 s  CER 0.014, x0.42    CER 0.005, x1.37
======================  =================  ==================  ==================

carnet + Tesseract: median 1.57-2.20 s per page. Tesseract stays the default: as accurate as
RapidOCR on Telegram photos and within the speed target; RapidOCR is 1.4-3x slower. Orientation:
the ink tests turned 12/12 photos right in 0.3 s, Tesseract OSD alone 6/12 (4 undecided) in 5 s.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import matplotlib
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from rapidfuzz.distance import Levenshtein

from extraction import imaging
from extraction.api import read_image
from extraction.errors import OcrFailed
from extraction.imaging.orientation import osd_rotation
from extraction.inputs import open_image
from extraction.ocr.engine import create_engine
from extraction.ocr.layout import normalize_text
from extraction.options import ExtractionOptions

FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_FILES = ("DejaVuSans.ttf", "DejaVuSerif.ttf", "DejaVuSansMono.ttf", "DejaVuSans-Bold.ttf")
A4 = (2480, 3508)

PRODUCTS = [
    "DOLIPRANE 1000 mg comprimé",
    "AMOXICILLINE 500 mg gélule",
    "Lévothyrox 75 µg comprimé sécable",
    "KARDÉGIC 75 mg poudre pour solution buvable",
    "Spasfon 80 mg comprimé enrobé",
    "Ibuprofène 400 mg comprimé pelliculé",
    "Augmentin 1 g/125 mg sachet",
    "Eliquis 5 mg comprimé pelliculé",
    "Ventoline 100 µg suspension pour inhalation",
    "Metformine 850 mg comprimé",
]
POSOLOGIES = [
    "1 comprimé matin, midi et soir pendant 7 jours",
    "2 gélules toutes les 8 heures si douleur",
    "1 cp le matin à jeun, QSP 3 mois",
    "1/2 comprimé au coucher pendant 1 mois",
    "2 bouffées si besoin, maximum 8 par jour",
    "1 sachet 3 fois par jour au cours des repas",
    "À renouveler 2 fois",
]
LAB_ROWS = [
    ("Hémoglobine", "13,8", "g/dL", "13,0 - 17,0", "14,1"),
    ("Leucocytes", "7,85", "G/L", "4,00 - 10,00", "6,90"),
    ("Plaquettes", "245", "G/L", "150 - 400", "230"),
    ("Créatinine", "82", "µmol/L", "59 - 104", "79"),
    ("Glycémie à jeun", "1,12", "g/L", "0,70 - 1,10", "1,05"),
    ("HbA1c", "6,4", "%", "< 6,5", "6,1"),
    ("Cholestérol LDL", "1,62", "g/L", "< 1,60", "1,48"),
    ("TSH ultrasensible", "2,35", "mUI/L", "0,27 - 4,20", "1,98"),
    ("Ferritine", "48", "µg/L", "30 - 400", "52"),
    ("Sodium", "139", "mmol/L", "136 - 145", "140"),
    ("Potassium", "4,6", "mmol/L", "3,5 - 5,1", "4,2"),
    ("Vitamine D (25-OH)", "21", "ng/mL", "> 30", "18"),
]
HEADERS = [
    "Docteur Éric Lefèvre — Médecine générale",
    "Dr Hélène Garçon, 12 rue de la Paix, 75002 Paris",
    "Laboratoire de Biologie Médicale Bioaxis",
]


@dataclass(frozen=True)
class Page:
    """A rendered page and the text printed on it."""

    image: Image.Image
    truth: str
    kind: str


def render_page(seed: int) -> Page:
    """A French prescription (even seeds) or lab table (odd seeds) at 300 dpi."""
    rng = random.Random(seed)
    font_path = str(FONTS / FONT_FILES[seed % len(FONT_FILES)])
    size = rng.randint(38, 48)
    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", A4, 255)
    draw = ImageDraw.Draw(image)
    lines: list[str] = []
    y = 220

    def put(parts: list[tuple[int, str]]) -> None:
        nonlocal y
        for x, text in parts:
            draw.text((x, y), text, font=font, fill=rng.randint(0, 50))
        lines.append(" ".join(text for _, text in parts))
        y += int(size * rng.uniform(1.7, 2.2))

    put([(200, rng.choice(HEADERS))])
    put([(200, f"Le {rng.randint(1, 28)} mars 2026")])
    if seed % 2 == 0:
        put([(200, "ORDONNANCE")])
        for product in rng.sample(PRODUCTS, 4):
            put([(200, product)])
            put([(280, rng.choice(POSOLOGIES))])
        kind = "prescription"
    else:
        put(
            [
                (200, "Examen"),
                (1050, "Résultat"),
                (1400, "Unité"),
                (1700, "Valeurs"),
                (2100, "Antér."),
            ]
        )
        for row in rng.sample(LAB_ROWS, 9):
            put([(200, row[0]), (1050, row[1]), (1400, row[2]), (1700, row[3]), (2100, row[4])])
        kind = "lab"
    return Page(image=image, truth="\n".join(lines), kind=kind)


def photograph(page: Image.Image, seed: int, long_side: int, quarter: int = 0) -> bytes:
    """The page as a phone photo: on a table, at an angle, shadowed, blurred, noisy, JPEG."""
    rng = np.random.default_rng(seed)
    factor = min(long_side / (max(page.size) * 1.3), 1.0)
    page = page.resize(
        (int(page.width * factor), int(page.height * factor)), Image.Resampling.LANCZOS
    )
    width, height = page.size
    canvas_w, canvas_h = int(width * 1.35), int(height * 1.25)
    table = rng.normal(95, 12, (canvas_h // 8, canvas_w // 8)).clip(0, 255).astype(np.uint8)
    canvas = cv2.resize(table, (canvas_w, canvas_h), interpolation=cv2.INTER_LINEAR)
    src = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    off_x, off_y = (canvas_w - width) / 2, (canvas_h - height) / 2
    jitter = rng.uniform(-0.05, 0.05, (4, 2)) * np.array([width, height])
    dst = (src + np.array([off_x, off_y]) + jitter).astype(np.float32)
    matrix = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(np.asarray(page), matrix, (canvas_w, canvas_h))
    mask = cv2.warpPerspective(
        np.full((height, width), 255, np.uint8), matrix, (canvas_w, canvas_h)
    )
    photo = np.where(mask > 0, warped, canvas).astype(np.float32)
    gradient = np.linspace(rng.uniform(0.55, 0.75), 1.0, canvas_w, dtype=np.float32)
    photo = photo * gradient[None, :] * rng.uniform(0.85, 0.95)
    photo += rng.normal(0, 6, photo.shape)
    image = Image.fromarray(photo.clip(0, 255).astype(np.uint8)).convert("RGB")
    image = image.filter(ImageFilter.GaussianBlur(radius=0.5 + 0.4 * factor))
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    if quarter:
        image = image.rotate(quarter, expand=True)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=int(rng.integers(70, 88)))
    return out.getvalue()


def cer(read: str, truth: str) -> float:
    """Character error rate of ``read`` against ``truth`` (whitespace collapsed per line)."""
    norm_truth = "\n".join(normalize_text(line) for line in truth.splitlines() if line.strip())
    norm_read = "\n".join(normalize_text(line) for line in read.splitlines() if line.strip())
    return Levenshtein.distance(norm_read, norm_truth) / max(len(norm_truth), 1)


def tesseract_cli(data: bytes, languages: str) -> tuple[str, float]:
    """Plain ``tesseract FILE - -l LANGS``: the reference run."""
    with tempfile.NamedTemporaryFile(suffix=".img") as handle:
        handle.write(data)
        handle.flush()
        started = time.perf_counter()
        env = {k: v for k, v in os.environ.items() if k != "OMP_THREAD_LIMIT"}  # plain defaults
        out = subprocess.run(
            ["tesseract", handle.name, "-", "-l", languages],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        ).stdout
        return out, time.perf_counter() - started


@dataclass
class Tally:
    """CER and seconds of one configuration."""

    cers: list[float]
    seconds: list[float]

    def line(self, label: str, reference: list[float] | None = None) -> str:
        """One printed line: mean CER, median and max seconds, ratio to the reference."""
        text = (
            f"{label:<34} CER {statistics.mean(self.cers):.3f}  "
            f"median {statistics.median(self.seconds):.2f}s  max {max(self.seconds):.2f}s"
        )
        if reference:
            ratio = statistics.median(self.seconds) / statistics.median(reference)
            text += f"  x{ratio:.2f} tesseract CLI"
        return text


def run_pipeline(
    data: bytes, options: ExtractionOptions, steps: imaging.Steps
) -> tuple[str, float]:
    """Decode + prepare + OCR one file, as ``extract`` does; text and seconds."""
    started = time.perf_counter()
    image = open_image(data, options)
    try:
        page, _ = read_image(image, create_engine(options), steps)
    except OcrFailed:  # a timeout counts as reading nothing
        return "", time.perf_counter() - started
    return page.text, time.perf_counter() - started


def encode_png(image: Image.Image) -> bytes:
    """PNG bytes of ``image``."""
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def main() -> None:
    """Print CER and speed per engine and rendering."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--ablation", action="store_true", help="also measure each step")
    parser.add_argument("--ablation-only", action="store_true")
    args = parser.parse_args()
    pages = [render_page(seed) for seed in range(args.pages)]
    if args.ablation_only:
        orientation_check(pages)
        ablation(pages)
        return
    renderings = {
        "clean 300 dpi PNG": [encode_png(p.image) for p in pages],
        "photo 3000 px JPEG": [photograph(p.image, i, 3000) for i, p in enumerate(pages)],
        "telegram 1280 px JPEG": [photograph(p.image, i, 1280) for i, p in enumerate(pages)],
        "photo rotated 90/180": [
            photograph(p.image, i, 3000, quarter=(90, 180)[i % 2]) for i, p in enumerate(pages)
        ],
    }
    engines = ("tesseract", "rapidocr")
    for name in engines:  # load models before timing
        create_engine(ExtractionOptions(ocr_engine=name))
    for label, files in renderings.items():
        print(f"== {label} ({len(files)} pages)", flush=True)
        steps = imaging.SCAN if label.startswith("clean") else imaging.PHOTO
        reference = Tally([], [])
        tallies = {name: Tally([], []) for name in engines}
        # Interleaved per page, so that load on a shared machine hits every run alike.
        for data, page in zip(files, pages, strict=True):
            text, seconds = tesseract_cli(data, "fra+eng")
            reference.cers.append(cer(text, page.truth))
            reference.seconds.append(seconds)
            for name in engines:
                options = ExtractionOptions(ocr_engine=name)
                text, seconds = run_pipeline(data, options, steps)
                tallies[name].cers.append(cer(text, page.truth))
                tallies[name].seconds.append(seconds)
        print(reference.line("tesseract CLI (reference)"))
        for name in engines:
            print(tallies[name].line(f"carnet pipeline, {name}", reference.seconds), flush=True)
    if args.ablation:
        orientation_check(pages)
        ablation(pages)


def orientation_check(pages: list[Page]) -> None:
    """Quarter turns found by carnet's ink tests versus Tesseract OSD alone, with timings."""
    cheap = osd = undecided = total = 0
    cheap_seconds: list[float] = []
    osd_seconds: list[float] = []
    options = ExtractionOptions()
    for index, page in enumerate(pages):
        for quarter in (0, 90, 180, 270):
            data = photograph(page.image, 200 + index, 1600, quarter=quarter)
            image = open_image(data, options)
            started = time.perf_counter()
            prepared = imaging.prepare(
                image, replace(imaging.PHOTO, illumination=False, resample=False, osd=False)
            )
            cheap_seconds.append(time.perf_counter() - started)
            cheap += prepared.rotation == quarter
            # OSD on the same page flattened, deskewed and resampled (it fails on small text)
            ready = imaging.prepare(image, replace(imaging.PHOTO, orientation=False))
            started = time.perf_counter()
            found = osd_rotation(np.asarray(ready.image))
            osd_seconds.append(time.perf_counter() - started)
            osd += found == quarter
            undecided += found is None
            total += 1
    print(f"== orientation on {total} photos turned 0/90/180/270 (OSD: None when unsure)")
    median = statistics.median(cheap_seconds)
    print(f"ink tests (default)  correct {cheap}/{total}  median {median:.2f}s")
    median = statistics.median(osd_seconds)
    print(
        f"Tesseract OSD alone  correct {osd}/{total} (undecided {undecided})  median {median:.2f}s"
    )


def ablation(pages: list[Page]) -> None:
    """Each preparation step turned off (or binarisation on), on full-size and Telegram photos."""
    variants = {
        "all default steps": imaging.PHOTO,
        "- page detection": replace(imaging.PHOTO, page=False),
        "- deskew": replace(imaging.PHOTO, deskew=False),
        "- illumination": replace(imaging.PHOTO, illumination=False),
        "- resampling": replace(imaging.PHOTO, resample=False),
        "+ binarisation": replace(imaging.PHOTO, binarize=True),
    }
    scans = [encode_png(p.image.rotate(2.5, fillcolor=255, expand=True)) for p in pages]
    for label, steps in {
        "scan turned 2.5 degrees, default": imaging.SCAN,
        "scan turned 2.5 degrees, - deskew": replace(imaging.SCAN, deskew=False),
    }.items():
        tally = Tally([], [])
        for data, page in zip(scans, pages, strict=True):
            text, seconds = run_pipeline(data, ExtractionOptions(ocr_timeout_seconds=30), steps)
            tally.cers.append(cer(text, page.truth))
            tally.seconds.append(seconds)
        print(tally.line(f"tesseract, {label}"), flush=True)
    for size in (3000, 1280):
        files = [photograph(p.image, 100 + i, size) for i, p in enumerate(pages)]
        for name in ("tesseract", "rapidocr"):
            print(f"== ablation, {size} px photos, {name}")
            options = ExtractionOptions(ocr_engine=name, ocr_timeout_seconds=30)
            for label, steps in variants.items():
                if name == "rapidocr" and steps.binarize:
                    continue  # RapidOCR's detector expects natural images
                tally = Tally([], [])
                for data, page in zip(files, pages, strict=True):
                    text, seconds = run_pipeline(data, options, steps)
                    tally.cers.append(cer(text, page.truth))
                    tally.seconds.append(seconds)
                print(tally.line(label), flush=True)


if __name__ == "__main__":
    main()
