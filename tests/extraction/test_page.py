"""Page detection on hand-made photos: a bright table corner or a shadow does not bend it."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from extraction.imaging.page import find_page

WIDTH, HEIGHT = 1500, 2000
SHEET = np.array([(300, 260), (1180, 300), (1220, 1700), (260, 1740)], dtype=np.float32)


def _photo(table: float = 70.0) -> tuple[NDArray[np.float32], NDArray[np.uint8]]:
    """A dark table and a white sheet with lines of 'text' on it (float image, sheet mask)."""
    image = np.full((HEIGHT, WIDTH), table, dtype=np.float32)
    mask = np.zeros((HEIGHT, WIDTH), dtype=np.uint8)
    cv2.fillConvexPoly(mask, SHEET.astype(np.int32), 255)
    image[mask > 0] = 220.0
    for y in range(400, 1600, 60):
        cv2.line(image, (380, y), (1050, y + 25), 40.0, 6)
    return image, mask


def _finish(image: NDArray[np.float32]) -> NDArray[np.uint8]:
    rng = np.random.default_rng(3)
    image = cv2.GaussianBlur(image, (0, 0), 1.5) + rng.normal(0, 4, image.shape)
    return np.asarray(np.clip(image, 0, 255), dtype=np.uint8)


def _close_to_sheet(quad: NDArray[np.float32] | None) -> bool:
    assert quad is not None
    return bool(np.abs(quad - SHEET).max() < 25)


def test_bright_table_corner_touching_the_sheet_is_left_out():
    image, _ = _photo()
    # a light patch of the table, as bright as a shaded sheet, joined to its top-right corner
    blob = np.zeros((HEIGHT, WIDTH), dtype=np.float32)
    cv2.ellipse(blob, (1200, 120), (330, 260), 0, 0, 360, 1.0, -1)
    blob = cv2.GaussianBlur(blob, (0, 0), 25)
    image = np.where(image == 70.0, 70.0 + blob * 110.0, image)
    assert _close_to_sheet(find_page(_finish(image)))


def test_soft_shadow_across_the_sheet_does_not_cut_it():
    image, _ = _photo(table=60.0)
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float32)
    shade = 1 / (1 + np.exp(-(yy - 0.9 * xx - 500) / 60))  # darker below a diagonal
    image *= 1 - 0.5 * shade
    assert _close_to_sheet(find_page(_finish(image)))


@pytest.mark.parametrize("table", [40.0, 170.0])
def test_sheet_on_a_dark_or_light_table(table):
    image, _ = _photo(table=table)
    assert _close_to_sheet(find_page(_finish(image)))


def test_a_bright_patch_without_straight_edges_is_no_page():
    blob = np.zeros((HEIGHT, WIDTH), dtype=np.float32)
    cv2.ellipse(blob, (750, 1000), (500, 700), 20, 0, 360, 1.0, -1)
    image = 60.0 + cv2.GaussianBlur(blob, (0, 0), 40) * 150.0
    assert find_page(_finish(image)) is None
