"""The bad-input corpus: hostile or odd files, generated (deterministic, small, no patient data).

``CORPUS`` names each file, how it is sent through Telegram (photo or document, declared name
and MIME type) and the error code carnet must answer with (None: read, nothing to confirm or a
draft waiting for confirmation). ``write_corpus(folder)`` writes the files out for inspection:
``python -m tests.hardening.corpus /tmp/corpus``.
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


def jpeg(width: int = 640, height: int = 480) -> bytes:
    """A plain JPEG (a blue-grey gradient, no text)."""
    from PIL import Image

    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    """A JPEG cut after a third of its bytes (an interrupted upload)."""
    data = jpeg()
    return data[: len(data) // 3]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb(side: int = 30_000) -> bytes:
    """A PNG whose header announces ``side`` × ``side`` pixels (2.7 GB decoded), a few KB long.

    The IDAT holds the zlib stream of the first rows only: cheap to build, enough to look real.
    """
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    rows = zlib.compress(b"\x00" + b"\x00" * (side * 3), 9) * 1
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", rows)
        + _chunk(b"IEND", b"")
    )


def long_pdf(pages: int = 200) -> bytes:
    """A text PDF of ``pages`` pages."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for number in range(1, pages + 1):
        pdf.drawString(72, 760, f"Page {number}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def encrypted_pdf() -> bytes:
    """A one-page PDF protected by a user password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(long_pdf(1))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="AES-256")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def looping_pdf() -> bytes:
    """A PDF whose page tree is its own child (a reader that follows it never stops)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 /Parent 2 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (4, xref))
    return out.getvalue()


def malformed_pdf() -> bytes:
    """A PDF header followed by garbage, with an ``xref`` pointing past the end."""
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R\n"
        + bytes(range(256)) * 4
        + (b"\nstartxref\n999999\n%%EOF\n")
    )


def zip_named_pdf() -> bytes:
    """A ZIP archive (named ``ordonnance.pdf``, declared ``application/pdf``)."""
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "not a prescription")
    return out.getvalue()


def exe_named_jpg() -> bytes:
    """A Windows executable header (named ``photo.jpg``, declared ``image/jpeg``)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(512)


def html_named_pdf() -> bytes:
    """An HTML page with a script (named ``resultats.pdf``)."""
    return b"<!DOCTYPE html><html><script>alert(1)</script><body>Hello</body></html>"


def landscape() -> bytes:
    """A landscape photo: sky, hills, a sun; no document in it."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 800), (120, 170, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 500, 1200, 800), fill=(60, 140, 60))
    draw.ellipse((-200, 380, 700, 900), fill=(80, 160, 70))
    draw.ellipse((900, 80, 1040, 220), fill=(250, 220, 80))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def german_letter() -> bytes:
    """A German text PDF (a letter from a physiotherapy practice: no drug, no lab value)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    lines = [
        "Praxis für Physiotherapie am Stadtpark",
        "Sehr geehrte Damen und Herren,",
        "wir bestätigen Ihren nächsten Termin am Donnerstag um zehn Uhr.",
        "Bitte bringen Sie bequeme Kleidung und ein Handtuch mit.",
        "Mit freundlichen Grüßen, Ihr Praxisteam",
    ]
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    y = 760
    for line in lines:
        pdf.drawString(72, y, line)
        y -= 24
    pdf.save()
    return out.getvalue()


@dataclass(frozen=True)
class BadFile:
    """One corpus entry: how it is sent and the error code carnet must answer with."""

    name: str
    build: Callable[[], bytes]
    file_name: str
    mime_type: str
    code: str | None
    as_photo: bool = False


CORPUS: tuple[BadFile, ...] = (
    BadFile("empty", lambda: b"", "vide.pdf", "application/pdf", "empty_file"),
    BadFile("truncated_jpeg", truncated_jpeg, "scan.jpg", "image/jpeg", "corrupt_file"),
    BadFile("png_bomb", png_bomb, "bombe.png", "image/png", "image_too_large"),
    BadFile("pdf_200_pages", long_pdf, "dossier.pdf", "application/pdf", "too_many_pages"),
    BadFile("encrypted_pdf", encrypted_pdf, "protege.pdf", "application/pdf", "encrypted_pdf"),
    BadFile("looping_pdf", looping_pdf, "boucle.pdf", "application/pdf", "corrupt_file"),
    BadFile("malformed_pdf", malformed_pdf, "abime.pdf", "application/pdf", "corrupt_file"),
    BadFile(
        "zip_as_pdf", zip_named_pdf, "ordonnance.pdf", "application/pdf", "unsupported_format"
    ),
    BadFile("exe_as_jpeg", exe_named_jpg, "photo.jpg", "image/jpeg", "unsupported_format"),
    BadFile("html_as_pdf", html_named_pdf, "resultats.pdf", "application/pdf", None),
    BadFile(
        "landscape", landscape, "paysage.jpg", "image/jpeg", "unreadable_document", as_photo=True
    ),
    BadFile("german_letter", german_letter, "brief.pdf", "application/pdf", None),
)


def write_corpus(folder: Path) -> list[Path]:
    """Write every corpus file into ``folder``; returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for entry in CORPUS:
        path = folder / f"{entry.name}-{entry.file_name}"
        path.write_bytes(entry.build())
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")):
        print(written)
