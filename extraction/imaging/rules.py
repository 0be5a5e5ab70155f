"""Table rulings: long horizontal and vertical lines are erased before OCR.

Tesseract's single-block mode (psm 6, kept for lab columns) returns only the lines above a ruled
table when the borders stay: on generated vaccination carnets it read the title and nothing else
(bench extraction, vaccination F1 0.12-0.40). Opening the ink with long thin kernels finds the
rulings; they are painted with the paper colour, text strokes (much shorter) are kept.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

#: A ruling is at least this many times the text height long (a word is rarely 12 characters).
_RULE_LENGTH_IN_TEXT_HEIGHTS = 8.0
_MIN_RULE_LENGTH = 40
#: Only a grid is erased: a lab report's lone separators are kept (erasing them cost two lab rows
#: of 77 on photos, bench extraction at scale 5).
_MIN_HORIZONTAL_RULES = 3
_MIN_VERTICAL_RULES = 2


def find_rules(gray: NDArray[np.uint8], text_height: float | None) -> NDArray[np.uint8]:
    """Mask (255) of the long horizontal and vertical lines of a ruled table (grid) in ``gray``;
    empty when there is no grid."""
    height = text_height if text_height else 24.0
    length = max(int(height * _RULE_LENGTH_IN_TEXT_HEIGHTS), _MIN_RULE_LENGTH)
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    horizontal = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1))
    )
    vertical = cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length))
    )
    if (
        cv2.connectedComponents(horizontal)[0] - 1 < _MIN_HORIZONTAL_RULES
        or cv2.connectedComponents(vertical)[0] - 1 < _MIN_VERTICAL_RULES
    ):
        return np.zeros_like(gray)
    rules = cv2.bitwise_or(horizontal, vertical)
    # Cover the anti-aliased edge of each line too.
    rules = cv2.dilate(rules, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))
    return np.asarray(rules, dtype=np.uint8)


def remove_rules(
    gray: NDArray[np.uint8], text_height: float | None
) -> tuple[NDArray[np.uint8], int]:
    """Paint the rulings of ``gray`` with the paper colour; also return how many pixels changed."""
    rules = find_rules(gray, text_height)
    count = int(np.count_nonzero(rules))
    if count == 0:
        return gray, 0
    paper = int(np.percentile(gray, 90))
    cleaned = gray.copy()
    cleaned[rules > 0] = paper
    return cleaned, count
