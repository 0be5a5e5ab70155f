"""Dot leaders (``Hémoglobine ........ 13,5``) are erased before OCR.

On Telegram-size photos Tesseract reads a row of dots as letters and merges them with the test
name and the value ("HÉMALOCTITR nsc ereensrersseccer OFS ™" for "Hématocrite ...... 64,4");
with the dots erased the same page gave its 15 rows, all right (5 found before; bench
extraction, Telegram photo of the lab report with leaders). A leader is a horizontal run of at
least five small marks, each under 0.4 text heights tall, no more than 0.9 text heights apart,
the run at least four text heights long: a decimal point, an ellipsis or the accents of a word
are not.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

_DOT_HEIGHT = 0.4  # text heights
_DOT_WIDTH = 2.0  # text heights (dots merged in pairs or threes by the threshold)
_GAP = 0.9  # text heights between the centres of two dots of one run
_DRIFT = 0.2  # text heights: the dots of one run sit on one baseline
_MIN_RUN = 4.0  # text heights
_MAX_RUN_HEIGHT = 0.5  # text heights
_MIN_DOTS = 5
_LETTER_SHARE = 0.25  # of the marks twice the text height handed in: that was a dot's height


def _runs(boxes: NDArray[np.int32], height: float) -> list[list[int]]:
    """Groups of mark indexes linked left to right on one baseline (``boxes``: x, y, w, h)."""
    centre_x = boxes[:, 0] + boxes[:, 2] / 2
    centre_y = boxes[:, 1] + boxes[:, 3] / 2
    parent = list(range(len(boxes)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    cell = max(height, 1.0)
    grid: dict[tuple[int, int], list[int]] = {}
    for index in range(len(boxes)):
        key = (int(centre_x[index] // cell), int(centre_y[index] // cell))
        grid.setdefault(key, []).append(index)
    gap, drift = _GAP * height, _DRIFT * height
    for (gx, gy), members in grid.items():
        near = [j for dx in (0, 1) for dy in (-1, 0, 1) for j in grid.get((gx + dx, gy + dy), ())]
        for i in members:
            for j in near:
                dx = centre_x[j] - centre_x[i]
                if 0 < dx <= gap and abs(centre_y[j] - centre_y[i]) <= drift:
                    parent[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for index in range(len(boxes)):
        groups.setdefault(root(index), []).append(index)
    return list(groups.values())


def find_leader_boxes(gray: NDArray[np.uint8], text_height: float | None) -> NDArray[np.int32]:
    """Boxes (x, y, w, h) of the dots of the leaders of ``gray``; ``text_height`` at this size."""
    height = text_height if text_height else 24.0
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    _, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    # Many leaders make the dots the median mark, so the page's text height handed in can be the
    # dots' height: when a good share of the marks are twice as tall, they are the letters.
    heights = stats[1:, cv2.CC_STAT_HEIGHT][stats[1:, cv2.CC_STAT_AREA] >= 6]
    letters = heights[heights >= 2 * height]
    if len(letters) >= _MIN_DOTS and len(letters) >= _LETTER_SHARE * len(heights):
        height = float(np.median(letters))
    small = (
        (stats[:, cv2.CC_STAT_HEIGHT] <= _DOT_HEIGHT * height)
        & (stats[:, cv2.CC_STAT_WIDTH] <= _DOT_WIDTH * height)
        & (stats[:, cv2.CC_STAT_AREA] >= 2)
    )
    small[0] = False  # the paper
    found = np.zeros((0, 4), dtype=np.int32)
    if int(small.sum()) < _MIN_DOTS:
        return found
    boxes = np.asarray(stats[small, :4], dtype=np.int32)
    kept: list[NDArray[np.int32]] = []
    for run in _runs(boxes, height):
        if len(run) < _MIN_DOTS:
            continue
        marks = boxes[run]
        left, top = marks[:, 0].min(), marks[:, 1].min()
        right = (marks[:, 0] + marks[:, 2]).max()
        bottom = (marks[:, 1] + marks[:, 3]).max()
        if right - left < _MIN_RUN * height or bottom - top > _MAX_RUN_HEIGHT * height:
            continue
        kept.append(marks)
    return np.concatenate(kept) if kept else found


def _spans(shape: tuple[int, ...], boxes: NDArray[np.int32]) -> list[tuple[slice, slice]]:
    """Each box with a pixel more around it (the dot's anti-aliased edge), within the page."""
    page_height, page_width = shape[:2]
    return [
        (
            slice(max(y - 1, 0), min(y + h + 1, page_height)),
            slice(max(x - 1, 0), min(x + w + 1, page_width)),
        )
        for x, y, w, h in boxes
    ]


def find_leaders(gray: NDArray[np.uint8], text_height: float | None) -> NDArray[np.uint8]:
    """Mask (255) of the dot leaders of ``gray``; ``text_height`` in pixels at this size."""
    mask = np.zeros_like(gray)
    for rows, columns in _spans(gray.shape, find_leader_boxes(gray, text_height)):
        mask[rows, columns] = 255
    return mask


def erase_leaders(
    gray: NDArray[np.uint8], boxes: NDArray[np.int32]
) -> tuple[NDArray[np.uint8], int]:
    """Paint the dots ``boxes`` with the paper colour; also how many pixels changed."""
    if len(boxes) == 0:
        return gray, 0
    mask = np.zeros_like(gray)
    for rows, columns in _spans(gray.shape, boxes):
        mask[rows, columns] = 255
    paper = int(np.percentile(gray, 90))
    cleaned = gray.copy()
    cleaned[mask > 0] = paper
    return cleaned, int(np.count_nonzero(mask))


def remove_leaders(
    gray: NDArray[np.uint8], text_height: float | None
) -> tuple[NDArray[np.uint8], int]:
    """Paint the dot leaders of ``gray`` with the paper colour; also how many pixels changed."""
    return erase_leaders(gray, find_leader_boxes(gray, text_height))
