"""Input sniffing and guards: what a user may send that is not a readable document."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib

import pytest
from PIL import Image

from extraction.errors import (
    CorruptFile,
    EmptyFile,
    ImageTooLarge,
    UnsupportedFormat,
)
from extraction.inputs import InputKind, check_size, open_image, sniff
from extraction.options import ExtractionOptions

OPTIONS = ExtractionOptions()


def _encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_bomb_header(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG whose header announces width x height pixels, built in microseconds."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


@pytest.mark.parametrize(
    ("fmt", "media_type"),
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("WEBP", "image/webp"),
        ("TIFF", "image/tiff"),
    ],
)
def test_images_are_sniffed_by_content(fmt, media_type):
    data = _encode(Image.new("RGB", (40, 30), "white"), fmt)
    sniffed = sniff(data)
    assert (sniffed.kind, sniffed.media_type) == (InputKind.IMAGE, media_type)
    assert open_image(data, OPTIONS, media_type).size == (40, 30)


def test_heic_is_read_through_pillow_heif():
    import pillow_heif

    pillow_heif.register_heif_opener()
    data = _encode(Image.new("RGB", (64, 48), "white"), "HEIF")
    sniffed = sniff(data)
    assert sniffed.media_type == "image/heic"
    image = open_image(data, OPTIONS, sniffed.media_type)
    assert image.size == (64, 48)
    assert image.mode == "L"


def test_pdf_and_text_are_sniffed():
    assert sniff(b"%PDF-1.7\n...").kind is InputKind.PDF
    assert sniff(b"Doliprane 1000 mg : 1 cp matin et soir").kind is InputKind.TEXT
    assert sniff("\ufeffAllergie : pénicilline".encode()).kind is InputKind.TEXT


def test_a_photo_named_pdf_is_still_a_photo():
    data = _encode(Image.new("RGB", (20, 20), "white"), "JPEG")
    assert sniff(data).media_type == "image/jpeg"  # the name never enters into it


def test_a_pdf_named_jpg_is_a_pdf():
    assert sniff(b"%PDF-1.4\n1 0 obj").kind is InputKind.PDF


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom",  # MP4 video
        b"\x1aE\xdf\xa3" + b"\x00" * 40,  # Matroska / WebM video
        b"GIF89a" + b"\x00" * 20,
        bytes(range(256)) * 4,  # binary noise
    ],
)
def test_videos_archives_and_binaries_are_unsupported(data):
    with pytest.raises(UnsupportedFormat) as info:
        sniff(data)
    assert info.value.code == "unsupported_format"


def test_zip_is_unsupported():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("a.txt", "x")
    with pytest.raises(UnsupportedFormat):
        sniff(out.getvalue())


def test_empty_file():
    with pytest.raises(EmptyFile) as info:
        sniff(b"")
    assert info.value.code == "empty_file"
    with pytest.raises(EmptyFile):
        check_size(b"", OPTIONS)


def test_file_over_the_byte_limit_is_refused():
    with pytest.raises(ImageTooLarge):
        check_size(b"x" * 2049, ExtractionOptions(max_bytes=2048))


def test_truncated_jpeg_is_corrupt():
    data = _encode(Image.effect_noise((400, 300), 60).convert("RGB"), "JPEG", quality=90)
    with pytest.raises(CorruptFile) as info:
        open_image(data[: len(data) // 2], OPTIONS, "image/jpeg")
    assert info.value.code == "corrupt_file"


def test_garbage_after_a_png_signature_is_corrupt():
    with pytest.raises(CorruptFile):
        open_image(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, OPTIONS, "image/png")


def test_png_bomb_is_refused_from_its_header():
    data = png_bomb_header()
    assert len(data) < 200
    with pytest.raises(ImageTooLarge) as info:
        open_image(data, OPTIONS, "image/png")
    assert info.value.code == "image_too_large"


def test_megapixel_limit_applies_below_pillows_own():
    data = png_bomb_header(3000, 2000)  # 6 MP: over a 5 MP limit, far under Pillow's
    with pytest.raises(ImageTooLarge):
        open_image(data, ExtractionOptions(max_megapixels=5), "image/png")


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (60, 20), "white")
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: display rotated 90 degrees clockwise
    data = _encode(image, "JPEG", exif=exif.tobytes())
    assert open_image(data, OPTIONS, "image/jpeg").size == (20, 60)


def test_transparent_png_is_flattened_on_white():
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    gray = open_image(_encode(image, "PNG"), OPTIONS, "image/png")
    assert gray.getextrema() == (255, 255)


def test_a_50_megapixel_photo_is_decoded_within_the_memory_budget(tmp_path):
    path = tmp_path / "big.jpg"
    Image.new("L", (8660, 5770), 200).save(path, "JPEG", quality=80)
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from extraction.inputs import open_image
        from extraction.imaging import prepare
        from extraction.options import ExtractionOptions
        image = open_image(open({str(path)!r}, "rb").read(), ExtractionOptions(), "image/jpeg")
        prepare(image)
        status = Path("/proc/self/status").read_text()
        print(max(image.size), status.split("VmHWM:")[1].split()[0])
        """
    )  # VmHWM, not ru_maxrss: Linux carries the parent's peak (a big pytest) across exec
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split()
    longest, peak_kib = int(out[0]), int(out[1])
    assert longest <= 4000
    assert peak_kib < 500 * 1024
