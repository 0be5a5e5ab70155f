"""PDFs: the text layer when a page has one (never OCRed), else the page rendered for OCR.

pypdf checks the file (malformed, encrypted, page count); pypdfium2 gives the text with character
boxes (converted to pixels at ``target_dpi``, top-left origin, like OCR boxes, and turned by the
page's /Rotate like the page as displayed and rendered) and renders image-only pages. A PDF
protected by an owner password only (empty user password) is read.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError, PdfStreamError

from extraction.errors import CorruptFile, EncryptedPdf, TooManyPages
from extraction.ocr.layout import build_lines
from extraction.options import ExtractionOptions
from extraction.text import ReadPage, Word
from store.records import Box

log = logging.getLogger(__name__)

#: A page with fewer letters and digits than this in its text layer is treated as a scan.
MIN_TEXT_CHARS = 16
_MAX_RENDER_PIXELS = 12_000_000


@dataclass
class PdfPage:
    """One page: either its text layer already read, or an image to OCR."""

    number: int
    read: ReadPage | None = None
    image: Image.Image | None = None


def check_pdf(data: bytes, options: ExtractionOptions) -> int:
    """Validate the PDF with pypdf and return its page count.

    Raises:
        EncryptedPdf: a user password is needed.
        TooManyPages: more than ``options.max_pdf_pages``.
        CorruptFile: malformed.
    """
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise EncryptedPdf()
        count = len(reader.pages)
    except EncryptedPdf:
        raise
    except FileNotDecryptedError as exc:
        raise EncryptedPdf() from exc
    except (PdfReadError, PdfStreamError, ValueError, KeyError, TypeError, OSError) as exc:
        raise CorruptFile(type(exc).__name__) from exc
    except NotImplementedError as exc:  # unsupported encryption algorithm
        raise EncryptedPdf() from exc
    if count == 0:
        raise CorruptFile("no pages")
    if count > options.max_pdf_pages:
        raise TooManyPages(str(count))
    return count


@dataclass(frozen=True)
class _Frame:
    """Turns boxes of the unrotated page (PDF points, bottom-left origin) into pixels of the page
    as displayed: top-left origin, turned clockwise by the page's /Rotate, at ``scale``."""

    width: float  # unrotated, points
    height: float
    rotation: int  # 0, 90, 180 or 270, clockwise
    scale: float

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        """The pixel box of a PDF rectangle."""
        corners = [(u, self.height - v) for u in (left, right) for v in (bottom, top)]
        if self.rotation == 90:
            corners = [(self.height - v, u) for u, v in corners]
        elif self.rotation == 180:
            corners = [(self.width - u, self.height - v) for u, v in corners]
        elif self.rotation == 270:
            corners = [(v, self.width - u) for u, v in corners]
        xs = [u for u, _ in corners]
        ys = [v for _, v in corners]
        return Box(
            x=int(min(xs) * self.scale),
            y=int(min(ys) * self.scale),
            width=max(int((max(xs) - min(xs)) * self.scale), 1),
            height=max(int((max(ys) - min(ys)) * self.scale), 1),
        )


def _words(textpage: pdfium.PdfTextPage, frame: _Frame) -> list[Word]:
    """Words from the character boxes of a text layer, in pixels of the displayed page."""
    count = textpage.count_chars()
    text = textpage.get_text_range(0, count) if count > 0 else ""
    aligned = len(text) == count
    words: list[Word] = []
    chars: list[str] = []
    boxes: list[tuple[float, float, float, float]] = []

    def flush() -> None:
        if chars:
            box = frame.box(
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            words.append(Word(text="".join(chars), box=box, confidence=1.0))
            chars.clear()
            boxes.clear()

    for index in range(count):
        char = text[index] if aligned else textpage.get_text_range(index, 1)
        if not char or char.isspace() or char in "\x00\ufffe\uffff":
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(index)
        if right <= left and top <= bottom:  # generated character without a box
            flush()
            continue
        chars.append(char)
        boxes.append((left, bottom, right, top))
    flush()
    return words


def _meaningful(words: list[Word]) -> bool:
    return sum(ch.isalnum() for word in words for ch in word.text) >= MIN_TEXT_CHARS


def iter_pages(data: bytes, options: ExtractionOptions) -> Iterator[PdfPage]:
    """Each page in order: text-layer pages read, image-only pages rendered (grayscale).

    Raises:
        EncryptedPdf, TooManyPages, CorruptFile: see :func:`check_pdf`.
    """
    check_pdf(data, options)
    try:
        document = pdfium.PdfDocument(data, password="")
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise EncryptedPdf() from exc
        raise CorruptFile("pdfium") from exc
    try:
        for index in range(len(document)):
            page = document[index]
            try:
                yield _page(page, index + 1, options)
            finally:
                page.close()
    finally:
        document.close()


def _page(page: pdfium.PdfPage, number: int, options: ExtractionOptions) -> PdfPage:
    width, height = page.get_size()  # as displayed: /Rotate applied
    scale = options.target_dpi / 72
    rotation = page.get_rotation() % 360
    turned = rotation in (90, 270)
    frame = _Frame(
        width=height if turned else width,
        height=width if turned else height,
        rotation=rotation,
        scale=scale,
    )
    textpage = page.get_textpage()
    try:
        words = _words(textpage, frame)
    finally:
        textpage.close()
    if _meaningful(words):
        read = ReadPage(
            number=number,
            lines=build_lines(words, page=number),
            width=int(width * scale),
            height=int(height * scale),
            source="pdf_text",
        )
        return PdfPage(number=number, read=read)
    pixels = width * height * scale * scale
    if pixels > _MAX_RENDER_PIXELS:
        scale *= (_MAX_RENDER_PIXELS / pixels) ** 0.5
    try:
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil().convert("L")
    except pdfium.PdfiumError as exc:
        raise CorruptFile("render") from exc
    log.debug("pdf page %d rendered for OCR at %.0f dpi", number, scale * 72)
    return PdfPage(number=number, image=image)
