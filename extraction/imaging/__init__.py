"""Image preparation before OCR: page, orientation, deskew, illumination, size, binarisation.

Each step can be switched off (``Steps``) so that ``bench/ocr_engines.py --ablation`` measures what
it brings; the defaults keep the steps that measurably helped (character error rate, Tesseract,
photos of generated French pages):

===============  ===========================================  ==============================
step             measured without it (or with it)             kept
===============  ===========================================  ==============================
page detection   CER 0.009 -> 4.35 (3000 px photos: garbage)  yes
orientation      ink tests 12/12 right in 0.3 s; OSD 6/12     yes (OSD only breaks ties)
deskew           scan turned 2.5 degrees: CER 0.003 -> 0.333  yes (photos: no change)
illumination     CER 0.024 -> 3.17 on Telegram photos         yes
resampling       CER 0.024 -> 0.058 on Telegram photos        yes
binarisation     Telegram (upscaled) CER 0.024 -> 0.064;      scanned pages not upscaled,
                 3000 px photos 0.009 -> 0.003 and 3x faster  for Tesseract only
                 but photo digits 0 -> 8/6 (lab values 0.91   (``binarize_unscaled``, set by
                 -> 0.88, strengths 1.00 -> 0.85)             ``extraction.api``)
table rulings    psm 6 read only the title of ruled tables:   yes (``rules``)
                 vaccination F1 0.12-0.40 without removal
dot leaders      Telegram lab report with leaders: 5 of 15    yes (``leaders``)
                 rows found without removal, 15 of 15 with
===============  ===========================================  ==============================
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from extraction.imaging.enhance import (
    MIN_READABLE_TEXT_HEIGHT,
    SMALL_PICTURE_SIDE,
    binarize,
    normalize_illumination,
    resample,
    resample_factor,
    text_height,
)
from extraction.imaging.leaders import erase_leaders, find_leader_boxes, remove_leaders
from extraction.imaging.orientation import deskew, turn_sideways, upright, upside_down_score
from extraction.imaging.page import flatten_page
from extraction.imaging.rules import remove_rules

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Steps:
    """Which preparation steps run."""

    page: bool = True
    orientation: bool = True
    deskew: bool = True
    illumination: bool = True
    resample: bool = True
    binarize: bool = False
    binarize_unscaled: bool = False
    osd: bool = True
    rules: bool = True
    leaders: bool = True


PHOTO = Steps()
SCAN = Steps(page=False)


@dataclass
class Prepared:
    """A page image ready for OCR and what was done to it."""

    image: Image.Image
    flattened: bool = False
    rotation: int = 0
    skew: float = 0.0
    scale: float = 1.0
    text_height: float | None = None
    low_resolution: bool = False
    rule_pixels: int = 0
    leader_pixels: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def _low_resolution(measured: float | None, image: Image.Image) -> bool:
    return (
        measured is not None
        and measured < MIN_READABLE_TEXT_HEIGHT
        and max(image.size) <= SMALL_PICTURE_SIDE
    )


def prepare(image: Image.Image, steps: Steps = PHOTO) -> Prepared:
    """Run the enabled steps on a grayscale page image."""
    gray = np.asarray(image.convert("L"), dtype=np.uint8)
    result = Prepared(image=image)
    clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.timings[name] = round(now - clock, 4)
        clock = now

    if steps.page:
        gray, result.flattened = flatten_page(gray)
        lap("page")
    if steps.orientation:
        gray, result.rotation = turn_sideways(gray)
        lap("sideways")
    if steps.deskew:
        gray, result.skew = deskew(gray)
        lap("deskew")
    if steps.illumination:
        gray = normalize_illumination(gray)
        lap("illumination")
    measured = text_height(gray)
    result.text_height = measured
    # Only a small picture is "low resolution" (Telegram compresses photos to 1280 px: the file
    # itself would be sharper); a large one with tiny marks is noise or a far-away page.
    result.low_resolution = _low_resolution(measured, image)
    if steps.resample:
        result.scale = resample_factor(measured, gray.shape)
    # Rulings are looked for at the smaller resolution, before upscaling or after downscaling:
    # the long openings cost pixels x kernel length (upscaled Telegram photos: 4-5x less CPU).
    rules_first = steps.rules and result.scale > 1.0
    if rules_first:
        gray, result.rule_pixels = remove_rules(gray, measured)
        lap("rules")
    # Dot leaders are looked for there too (labelling the upscaled page cost 0.08 s CPU), but
    # only found leaders are then erased on the upscaled page: erased at this size, or found at
    # this size and scaled, a few dots were missed and read as letters (3 of 15 values lost).
    leaders_seen = True
    if steps.leaders and result.scale > 1.0:
        leader_boxes = find_leader_boxes(gray, measured)
        leaders_seen = len(leader_boxes) > 0
        if leaders_seen and steps.resample and measured is not None:
            # A page full of leaders can measure the dots' height (x3 instead of ~x2.2): with the
            # dots gone, the letters set it.
            remeasured = text_height(erase_leaders(gray, leader_boxes)[0])
            if remeasured is not None and remeasured > measured:
                measured = result.text_height = remeasured
                result.low_resolution = _low_resolution(measured, image)
                result.scale = resample_factor(measured, gray.shape)
        lap("leaders_seen")
    # The ascender test reads an upscaled page brought back to 1600 px: read before upscaling.
    score = upside_down_score(gray) if steps.orientation and result.scale > 1.0 else None
    if steps.resample:
        gray = resample(gray, result.scale)
        lap("resample")
    if steps.orientation:  # after resampling: OSD, the tie-breaker, needs readable sizes
        gray, flip = upright(gray, use_osd=steps.osd, score=score)
        result.rotation = (result.rotation + flip) % 360
        lap("upright")
    if steps.rules and not rules_first:
        height = measured * result.scale if measured is not None else None
        gray, result.rule_pixels = remove_rules(gray, height)
        lap("rules")
    if steps.leaders and leaders_seen:
        height = measured * result.scale if measured is not None else None
        gray, result.leader_pixels = remove_leaders(gray, height)
        lap("leaders")
    if steps.binarize or (steps.binarize_unscaled and result.scale <= 1.0):
        gray = binarize(gray)
        lap("binarize")
    result.image = Image.fromarray(gray)
    log.debug("prepared page: %s", result.timings)
    return result
