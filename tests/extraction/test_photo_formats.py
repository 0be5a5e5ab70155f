"""HEIC (an iPhone's default) and WebP photos sent as files are read like JPEG photos."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from rapidfuzz import fuzz

from extraction import ExtractionOptions, InputFile, extract_document
from extraction.inputs import sniff
from tests.synthetic import build_document
from tests.synthetic.photo import phone_photo
from tests.synthetic.render import heic_bytes, page_image, webp_bytes

TESSERACT = ExtractionOptions(ocr_engine="tesseract")


@pytest.fixture(scope="module")
def prescription_photo():
    """A generated French prescription photographed at 2400 px, and its expected products."""
    truth, draft = build_document(3, "prescription", 0)
    page = page_image(draft.writer.pages[0])
    shot = phone_photo(page, random.Random(11), 11, long_side=2400, turns=0)
    return shot, [med.name for med in truth.medications]


@pytest.mark.tesseract
@pytest.mark.parametrize(
    ("encode", "media_type"),
    [(heic_bytes, "image/heic"), (webp_bytes, "image/webp")],
    ids=["heic", "webp"],
)
def test_a_prescription_photo_sent_as_heic_or_webp_is_read(
    prescription_photo, encode: Callable[..., bytes], media_type: str
):
    shot, expected = prescription_photo
    data = encode(shot, 75)
    assert sniff(data).media_type == media_type
    # sent as a file of unknown type: the content decides
    file = InputFile(name="IMG_0001.bin", data=data, media_type="application/octet-stream")
    document = extract_document([file], TESSERACT)
    assert document.kind.value == "prescription"
    found = [med.name for med in document.medications]
    for name in expected:
        assert (
            max((fuzz.ratio(name.lower(), got.lower()[: len(name)]) for got in found), default=0)
            >= 85
        ), (
            name,
            found,
        )
