"""Orientation (quarter turns) and deskew (small angles, projection profile).

Quarter turns are found cheaply first: a page on its side has its ink in columns, and upright
Latin text has more ascenders than descenders. Tesseract OSD (slow, and unreliable on sparse
pages: measured in ``bench/ocr_engines.py``) is asked only when the cheap tests are unsure.
"""

from __future__ import annotations

import logging

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from extraction.errors import ExtractionError
from extraction.ocr.tesseract import run_tesseract

log = logging.getLogger(__name__)

_OSD_SIDE = 2000
_SKEW_SIDE = 1000
_MIN_OSD_CONFIDENCE = 0.3
_CONFIDENT_OSD = 3.0
_UNSURE_SCORE = 0.08
_SIDEWAYS_RATIO = 0.6


def _small(gray: NDArray[np.uint8], side: int) -> NDArray[np.uint8]:
    height, width = gray.shape[:2]
    scale = min(side / max(height, width), 1.0)
    if scale >= 1.0:
        return gray
    size = (max(int(width * scale), 1), max(int(height * scale), 1))
    return np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8)


def _ink(gray: NDArray[np.uint8], margin: float = 0.04) -> NDArray[np.uint8]:
    """Dark marks as 1, background as 0 (adaptive, so shadows do not count as ink).

    ``margin`` (a share of each side) is blanked: sheet edges and slivers of table left by
    page detection are not text.
    """
    height, width = gray.shape[:2]
    top, left = int(height * margin), int(width * margin)
    gray = gray[top : height - top, left : width - left]
    binary = cv2.adaptiveThreshold(
        gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    return np.asarray(binary, dtype=np.uint8)


def _osd(small: NDArray[np.uint8], timeout: float) -> tuple[int, float] | None:
    try:
        output = run_tesseract(
            Image.fromarray(small),
            ["--psm", "0", "-c", "min_characters_to_try=10"],
            timeout=timeout,
        )
    except ExtractionError:
        return None
    fields = dict(line.split(":", 1) for line in output.splitlines() if ":" in line)
    try:
        rotate = int(fields.get("Rotate", "0"))
        confidence = float(fields.get("Orientation confidence", "0"))
    except ValueError:
        return None
    return rotate % 360, confidence


def osd_rotation(gray: NDArray[np.uint8], timeout: float = 15.0) -> int | None:
    """Clockwise degrees (0/90/180/270) that make the page upright, or None when unsure.

    A confident answer is taken as is. A weak one (sparse pages) is taken only when OSD, asked
    again on the page turned upside down, answers the opposite: a consistent reading.
    """
    small = _small(gray, _OSD_SIDE)
    first = _osd(small, timeout)
    if first is None:
        return None
    rotate, confidence = first
    log.debug("osd rotate=%d conf=%.2f", rotate, confidence)
    if confidence >= _CONFIDENT_OSD:
        return rotate
    if confidence < _MIN_OSD_CONFIDENCE:
        return None
    second = _osd(rotate_quarter(small, 180), timeout)
    if second is None or second[0] != (rotate + 180) % 360:
        return None
    return rotate


def sideways(gray: NDArray[np.uint8]) -> bool:
    """Whether ink is organised in columns rather than rows (text lines run vertically)."""
    ink = _ink(_small(gray, _SKEW_SIDE)).astype(np.float32)
    rows = float(np.var(ink.sum(axis=1)) / max(ink.shape[1], 1) ** 2)
    cols = float(np.var(ink.sum(axis=0)) / max(ink.shape[0], 1) ** 2)
    return cols > _SIDEWAYS_RATIO * rows


def _line_bands(profile: NDArray[np.float64], min_height: int) -> list[tuple[int, int]]:
    """Runs of rows with ink, at least ``min_height`` tall."""
    threshold = 0.02 * float(profile.max()) if profile.size else 0.0
    bands = []
    start = None
    for index, value in enumerate(profile):
        if value > threshold and start is None:
            start = index
        elif value <= threshold and start is not None:
            if index - start >= min_height:
                bands.append((start, index))
            start = None
    return bands


def upside_down_score(gray: NDArray[np.uint8], strips: int = 4) -> float:
    """Ascender minus descender ink share, in [-1, 1]: positive for upright Latin text.

    In Latin scripts ascenders (b d f h k l t, capitals, digits) far outnumber descenders
    (g j p q y); seen upside down, the extra ink falls below the x-height band instead.
    """
    ink = _ink(_small(gray, 1600))
    height, width = ink.shape
    above = below = 0.0
    for strip in range(strips):
        part = ink[:, strip * width // strips : (strip + 1) * width // strips]
        for top, bottom in _line_bands(part.sum(axis=1, dtype=np.float64), 6):
            if bottom - top > height / 8:
                continue
            band = part[top:bottom].sum(axis=1, dtype=np.float64)
            core = np.flatnonzero(band >= 0.45 * band.max())
            if core.size == 0:
                continue
            above += float(band[: core[0]].sum())
            below += float(band[core[-1] + 1 :].sum())
    total = above + below
    return 0.0 if total == 0 else (above - below) / total


def rotate_quarter(gray: NDArray[np.uint8], degrees: int) -> NDArray[np.uint8]:
    """Rotate clockwise by a multiple of 90 degrees."""
    codes = {
        90: cv2.ROTATE_90_CLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_COUNTERCLOCKWISE,
    }
    code = codes.get(degrees % 360)
    return gray if code is None else np.asarray(cv2.rotate(gray, code), dtype=np.uint8)


def turn_sideways(gray: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], int]:
    """A page on its side turned a quarter clockwise (its direction is settled by ``upright``)."""
    if sideways(gray):
        return rotate_quarter(gray, 90), 90
    return gray, 0


def upright(
    gray: NDArray[np.uint8], use_osd: bool = True, score: float | None = None
) -> tuple[NDArray[np.uint8], int]:
    """A page with horizontal lines turned the right way up, and the rotation applied (0/180).

    Ascenders versus descenders decide (best after deskew); Tesseract OSD is asked only when
    that test is unsure. ``score``: that test already run on the page before upscaling.
    """
    if score is None:
        score = upside_down_score(gray)
    if abs(score) < _UNSURE_SCORE and use_osd:
        osd = osd_rotation(gray)
        if osd in (0, 180):
            return rotate_quarter(gray, osd), osd
    if score < 0:
        return rotate_quarter(gray, 180), 180
    return gray, 0


def _profile_score(xs: NDArray[np.float64], ys: NDArray[np.float64], angle: float) -> float:
    """Sharpness of the row profile of ink points turned by ``angle`` (degrees,
    counter-clockwise): text lines turned level give tall narrow peaks."""
    theta = np.deg2rad(angle)
    rows = np.floor(ys * np.cos(theta) - xs * np.sin(theta) + 0.5).astype(np.int64)
    profile = np.bincount(rows - rows.min()).astype(np.float64)
    return float(np.sum(np.diff(profile) ** 2))


def skew_angle(gray: NDArray[np.uint8], limit: float = 10.0) -> float:
    """The small rotation (degrees, counter-clockwise) that makes text lines horizontal.

    The ink points' coordinates are projected for each candidate angle (a histogram of the
    turned row numbers): 5x less CPU than warping the ink image for each of the 32 angles.
    """
    ink = _ink(_small(gray, _SKEW_SIDE))
    if int(ink.sum()) < 200:
        return 0.0
    ys, xs = np.nonzero(ink)
    # Whole-pixel centre: half-pixel coordinates would round into every other row at 0 degrees.
    x = (xs - ink.shape[1] // 2).astype(np.float64)
    y = (ys - ink.shape[0] // 2).astype(np.float64)
    coarse = np.arange(-limit, limit + 0.01, 1.0)
    best = max(coarse, key=lambda a: _profile_score(x, y, float(a)))
    fine = np.arange(best - 1.0, best + 1.01, 0.2)
    return float(max(fine, key=lambda a: _profile_score(x, y, float(a))))


def deskew(gray: NDArray[np.uint8], min_angle: float = 0.3) -> tuple[NDArray[np.uint8], float]:
    """The page with its text lines horizontal, and the angle applied."""
    angle = skew_angle(gray)
    if abs(angle) < min_angle:
        return gray, 0.0
    height, width = gray.shape
    matrix = cv2.getRotationMatrix2D((width / 2, height / 2), angle, 1.0)
    cos, sin = abs(matrix[0, 0]), abs(matrix[0, 1])
    new_width, new_height = int(height * sin + width * cos), int(height * cos + width * sin)
    matrix[0, 2] += new_width / 2 - width / 2
    matrix[1, 2] += new_height / 2 - height / 2
    rotated = cv2.warpAffine(
        gray,
        matrix,
        (new_width, new_height),
        flags=cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.asarray(rotated, dtype=np.uint8), angle
