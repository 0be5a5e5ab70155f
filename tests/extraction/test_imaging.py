"""Image preparation on generated photos: the sheet is found, turned upright, sized for OCR."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from bench.ocr_engines import photograph, render_page
from extraction import imaging
from extraction.imaging.enhance import normalize_illumination, text_height
from extraction.imaging.page import find_page
from extraction.inputs import open_image
from extraction.options import ExtractionOptions

OPTIONS = ExtractionOptions()
FAST = imaging.Steps(osd=False)


@pytest.fixture(scope="module")
def lab_page() -> Image.Image:
    return render_page(1).image


@pytest.fixture(scope="module")
def prescription_page() -> Image.Image:
    return render_page(2).image


@pytest.mark.parametrize("quarter", [0, 90, 180, 270])
def test_photo_turned_by_quarter_turns_is_put_upright(lab_page, quarter):
    image = open_image(photograph(lab_page, 7, 1600, quarter=quarter), OPTIONS)
    prepared = imaging.prepare(image, FAST)
    assert prepared.rotation == quarter  # PIL turned it counter-clockwise: undo clockwise
    assert prepared.image.height > prepared.image.width


def test_upside_down_prescription_in_another_font(prescription_page):
    image = open_image(photograph(prescription_page, 3, 1600, quarter=180), OPTIONS)
    assert imaging.prepare(image, FAST).rotation == 180


def test_sheet_photographed_at_an_angle_is_found_and_flattened(lab_page):
    image = open_image(photograph(lab_page, 11, 2000), OPTIONS)
    quad = find_page(np.asarray(image))
    assert quad is not None
    prepared = imaging.prepare(image, FAST)
    assert prepared.flattened
    width, height = prepared.image.size
    assert abs(height / width - 297 / 210) < 0.15  # a sheet again (the photo's tilt is not 3D)
    flat = np.asarray(prepared.image)
    border = np.concatenate([flat[:15].ravel(), flat[-15:].ravel(), flat[:, :15].ravel()])
    assert np.percentile(border, 5) > 200  # paper to the edges: the table was cut away


def test_no_page_outline_means_no_warp(lab_page):
    # The clean page fills the frame: nothing to detect, nothing is cut.
    assert find_page(np.asarray(lab_page)) is None
    assert not imaging.prepare(lab_page, FAST).flattened


def test_telegram_size_photo_is_upscaled_about_twice(lab_page):
    image = open_image(photograph(lab_page, 5, 1280), OPTIONS)
    prepared = imaging.prepare(image, FAST)
    assert 2.0 <= prepared.scale <= 3.0
    assert not prepared.low_resolution
    assert 20 <= text_height(np.asarray(prepared.image)) <= 30


def test_thumbnail_is_flagged_low_resolution(lab_page):
    small = lab_page.resize((310, 438), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=80)
    prepared = imaging.prepare(open_image(out.getvalue(), OPTIONS), FAST)
    assert prepared.low_resolution


def test_shadow_is_flattened_to_white_paper():
    gradient = np.tile(np.linspace(90, 230, 1200, dtype=np.float32), (800, 1)).astype(np.uint8)
    gradient[400:420, 100:1100] = 20  # a dark stroke across the shadow
    flat = normalize_illumination(gradient)
    paper = flat[100:300]
    assert paper.min() > 220
    assert flat[405:415, 150:1050].max() < 120
