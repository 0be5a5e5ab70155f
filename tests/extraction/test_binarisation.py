"""Binarisation before Tesseract: scanned pages only (on photos it turned 0 into 8 or 6)."""

from __future__ import annotations

import numpy as np
from PIL import Image

from bench.ocr_engines import render_page
from extraction import imaging
from extraction.api import read_image
from extraction.text import ReadPage


class _Recorder:
    """An engine named like Tesseract that keeps the image it was given."""

    name = "tesseract"

    def __init__(self) -> None:
        self.images: list[Image.Image] = []

    def read(self, image: Image.Image) -> ReadPage:
        self.images.append(image)
        return ReadPage(number=1, lines=[], width=image.width, height=image.height)


def _grey_levels(image: Image.Image) -> int:
    return len(np.unique(np.asarray(image.convert("L"))))


def test_scanned_page_is_binarised_for_tesseract():
    engine = _Recorder()
    read_image(render_page(1).image, engine, imaging.SCAN)
    assert _grey_levels(engine.images[0]) == 2


def test_photographed_page_keeps_its_grey_levels():
    engine = _Recorder()
    read_image(render_page(1).image, engine, imaging.Steps(osd=False))
    assert _grey_levels(engine.images[0]) > 2
