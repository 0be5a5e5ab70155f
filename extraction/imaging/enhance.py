"""Illumination normalisation, resampling to a readable text size, optional binarisation.

Text size is measured (median height of character-like ink blobs) rather than guessed from the
image size: a Telegram photo (1280 px) of an A4 page has characters about 10 px high and is
upscaled about 2.4x; a 50 MP photo is brought down. ``TARGET_TEXT_HEIGHT`` (24 px) is 10 pt text at
300 dpi: 30 px read no better on the bench and cost 1.5x the pixels; 20 px read slightly worse.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

TARGET_TEXT_HEIGHT = 24.0
#: Below this measured character height (pixels of the original) a photo is too small to read.
MIN_READABLE_TEXT_HEIGHT = 9.0
#: Pictures up to this long side may be compressed copies (Telegram photos are 1280 px).
SMALL_PICTURE_SIDE = 1600
_MAX_UPSCALE = 3.0
_MAX_PIXELS = 16_000_000


def normalize_illumination(gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Divide by the estimated paper brightness, so shadows and gradients become white."""
    height, width = gray.shape
    scale = min(512 / max(height, width), 1.0)
    small = cv2.resize(gray, (max(int(width * scale), 1), max(int(height * scale), 1)))
    kernel_side = max(int(max(small.shape) / 25) | 1, 3)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kernel_side, kernel_side))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.GaussianBlur(background, (0, 0), kernel_side / 2)
    background = cv2.resize(background, (width, height), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(gray, np.maximum(background, 1), scale=255)
    return np.asarray(flat, dtype=np.uint8)


def text_height(gray: NDArray[np.uint8]) -> float | None:
    """Median height in pixels of character-like ink blobs, None when there is no text."""
    height, width = gray.shape
    step = 2 if max(height, width) > 3000 else 1
    sample = gray[::step, ::step] if step > 1 else gray
    ink = cv2.adaptiveThreshold(
        sample, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return None
    heights = stats[1:, cv2.CC_STAT_HEIGHT].astype(np.float64)
    widths = stats[1:, cv2.CC_STAT_WIDTH].astype(np.float64)
    areas = stats[1:, cv2.CC_STAT_AREA].astype(np.float64)
    limit = max(sample.shape) / 10
    keep = (heights >= 3) & (heights <= limit) & (widths <= 3 * heights) & (areas >= 6)
    keep &= areas <= 0.9 * heights * widths
    if int(keep.sum()) < 15:
        return None
    return float(np.median(heights[keep])) * step


def resample_factor(measured: float | None, shape: tuple[int, ...]) -> float:
    """Scale that brings characters to ``TARGET_TEXT_HEIGHT``, within memory and sanity bounds."""
    if measured is None:
        return 1.0
    factor = TARGET_TEXT_HEIGHT / measured
    if 0.8 <= factor <= 1.25:
        return 1.0
    factor = min(factor, _MAX_UPSCALE)
    height, width = shape[:2]
    most = (_MAX_PIXELS / max(height * width, 1)) ** 0.5
    return min(factor, most)


def resample(gray: NDArray[np.uint8], factor: float) -> NDArray[np.uint8]:
    """Resize by ``factor`` (cubic up, area down)."""
    if factor == 1.0:
        return gray
    height, width = gray.shape
    size = (max(int(width * factor), 1), max(int(height * factor), 1))
    interpolation = cv2.INTER_CUBIC if factor > 1 else cv2.INTER_AREA
    return np.asarray(cv2.resize(gray, size, interpolation=interpolation), dtype=np.uint8)


def binarize(gray: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """Black text on white by Otsu (after illumination normalisation)."""
    _, binary = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return np.asarray(binary, dtype=np.uint8)
