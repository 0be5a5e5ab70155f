"""Page detection and perspective correction: find the sheet in a photo and flatten it.

The sheet is the largest bright convex quadrilateral, found on a small copy of the image. The
correction is applied only when the quadrilateral is confident (large enough, convex, filling its
contour, not simply the whole frame); otherwise the image is returned unchanged.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

_DETECT_SIDE = 800
_MIN_AREA = 0.20
_MAX_AREA = 0.97


def _order(points: NDArray[np.float32]) -> NDArray[np.float32]:
    """Top-left, top-right, bottom-right, bottom-left."""
    total = points.sum(axis=1)
    diff = np.diff(points, axis=1).ravel()
    return np.array(
        [
            points[np.argmin(total)],
            points[np.argmin(diff)],
            points[np.argmax(total)],
            points[np.argmax(diff)],
        ],
        dtype=np.float32,
    )


def _quad_from_mask(mask: NDArray[np.uint8], area: float) -> NDArray[np.float32] | None:
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    contour_area = cv2.contourArea(contour)
    if not _MIN_AREA * area <= contour_area <= _MAX_AREA * area:
        return None
    hull = cv2.convexHull(contour)
    perimeter = cv2.arcLength(hull, closed=True)
    for epsilon in (0.02, 0.03, 0.04, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, closed=True)
        if len(approx) == 4:
            break
    else:
        return None
    quad = approx.reshape(4, 2).astype(np.float32)
    if not cv2.isContourConvex(approx):
        return None
    quad_area = cv2.contourArea(quad)
    if quad_area <= 0 or contour_area / quad_area < 0.90:
        return None
    return _order(quad)


def find_page(gray: NDArray[np.uint8]) -> NDArray[np.float32] | None:
    """Corners of the sheet in ``gray`` (TL, TR, BR, BL), or None when not confident."""
    height, width = gray.shape[:2]
    scale = _DETECT_SIDE / max(height, width)
    small = cv2.resize(gray, (max(int(width * scale), 1), max(int(height * scale), 1)))
    small = cv2.GaussianBlur(small, (5, 5), 0)
    area = float(small.shape[0] * small.shape[1])
    _, mask = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    # Close the text holes so the sheet is one blob, open to cut thin bridges to the background.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
    quad = _quad_from_mask(np.asarray(mask, dtype=np.uint8), area)
    if quad is None:
        return None
    return quad / scale


def warp_page(gray: NDArray[np.uint8], quad: NDArray[np.float32]) -> NDArray[np.uint8]:
    """The sheet seen from the front, at the resolution of its longest edges."""
    tl, tr, br, bl = quad
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.array(
        [[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]], dtype=np.float32
    )
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    warped = cv2.warpPerspective(
        gray, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return np.asarray(warped, dtype=np.uint8)


def flatten_page(gray: NDArray[np.uint8]) -> tuple[NDArray[np.uint8], bool]:
    """The sheet cropped and flattened when found confidently; whether it was."""
    quad = find_page(gray)
    if quad is None:
        return gray, False
    return warp_page(gray, quad), True
