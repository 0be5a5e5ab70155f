"""Renderers: a text PDF (reportlab), a clean page image at 300 dpi (Pillow), a scanned PDF."""

from __future__ import annotations

import io
import random
import time
from functools import cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from reportlab.pdfgen import canvas

from tests.synthetic.layout import PAGE_HEIGHT, PAGE_WIDTH, Page, font_name, font_path


def text_pdf(pages: list[Page], title: str = "document") -> bytes:
    """A PDF whose pages carry the text layer (fonts embedded, deterministic bytes)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=True)
    pdf.setTitle(title)
    pdf.setCreator("carnet synthetic corpus")
    for page in pages:
        for rule in page.rules:
            pdf.setLineWidth(rule.width)
            pdf.line(rule.x1, PAGE_HEIGHT - rule.y1, rule.x2, PAGE_HEIGHT - rule.y2)
        for run in page.runs:
            pdf.setFont(font_name(run.family, run.bold), run.size)
            pdf.drawString(run.x, PAGE_HEIGHT - run.y, run.text)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@cache
def _font(family: str, bold: bool, pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(family, bold)), pixels)


def page_image(page: Page, dpi: int = 300, ink: int = 20) -> Image.Image:
    """The page drawn in grey levels at ``dpi`` (white paper, near-black ink)."""
    scale = dpi / 72
    image = Image.new("L", (round(PAGE_WIDTH * scale), round(PAGE_HEIGHT * scale)), 255)
    draw = ImageDraw.Draw(image)
    for rule in page.rules:
        draw.line(
            [(rule.x1 * scale, rule.y1 * scale), (rule.x2 * scale, rule.y2 * scale)],
            fill=ink,
            width=max(1, round(rule.width * scale)),
        )
    for run in page.runs:
        font = _font(run.family, run.bold, round(run.size * scale))
        draw.text((run.x * scale, run.y * scale), run.text, fill=ink, font=font, anchor="ls")
    return image


def png_bytes(image: Image.Image, dpi: int = 300) -> bytes:
    """PNG bytes with the dpi recorded."""
    buffer = io.BytesIO()
    image.save(buffer, "PNG", dpi=(dpi, dpi), optimize=False)
    return buffer.getvalue()


def jpeg_bytes(image: Image.Image, quality: int, dpi: int | None = None) -> bytes:
    """JPEG bytes (baseline, no EXIF)."""
    buffer = io.BytesIO()
    options: dict[str, object] = {"quality": quality}
    if dpi:
        options["dpi"] = (dpi, dpi)
    image.save(buffer, "JPEG", **options)
    return buffer.getvalue()


def heic_bytes(image: Image.Image, quality: int) -> bytes:
    """HEIC bytes (HEVC, pillow-heif), as an iPhone saves its photos.

    x265's fastest preset: the default one took 40 s of CPU for a 12 MP photo.
    """
    import pillow_heif

    heif = pillow_heif.from_pillow(image)
    buffer = io.BytesIO()
    heif.save(buffer, quality=quality, enc_params={"preset": "ultrafast"})
    return buffer.getvalue()


def webp_bytes(image: Image.Image, quality: int) -> bytes:
    """Lossy WebP bytes."""
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", quality=quality, method=4)
    return buffer.getvalue()


def scanned(image: Image.Image, rng: random.Random, seed: int) -> Image.Image:
    """A flatbed scan of the page: grey paper, a slight skew, a little noise and softness."""
    dpi = rng.choice([200, 300])
    pixels: np.ndarray = np.asarray(image.convert("L"), dtype=np.uint8)
    if dpi != 300:
        size = (round(image.width * dpi / 300), round(image.height * dpi / 300))
        pixels = cv2.resize(pixels, size, interpolation=cv2.INTER_AREA)
    height, width = pixels.shape
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), rng.uniform(-1.2, 1.2), 1.0)
    pixels = cv2.warpAffine(pixels, turn, (width, height), flags=cv2.INTER_CUBIC, borderValue=255)
    soft = cv2.GaussianBlur(pixels, (0, 0), rng.uniform(0.2, 0.6)).astype(np.float32)
    noise = np.random.default_rng(seed).standard_normal(soft.shape, dtype=np.float32)
    soft *= rng.uniform(232, 250) / 255
    soft += noise * rng.uniform(2, 6)
    result = Image.fromarray(np.clip(soft, 0, 255).astype(np.uint8), "L")
    result.info["dpi"] = (dpi, dpi)
    return result


def image_pdf(images: list[Image.Image], quality: int = 85) -> bytes:
    """An image-only PDF: one JPEG per A4 page, no text layer (deterministic bytes)."""
    buffer = io.BytesIO()
    dpi = float(images[0].info.get("dpi", (300, 300))[0])
    fixed = time.gmtime(1767225600)  # 2026-01-01: no clock in the bytes
    images[0].save(
        buffer,
        "PDF",
        save_all=True,
        append_images=images[1:],
        resolution=dpi,
        quality=quality,
        creationDate=fixed,
        modDate=fixed,
        producer="carnet synthetic scanner",
    )
    return buffer.getvalue()
