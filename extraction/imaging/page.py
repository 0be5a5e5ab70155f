"""Page detection and perspective correction: find the sheet in a photo and flatten it.

Candidate quadrilaterals are found on a small copy of the image, from bright masks at several
thresholds (Otsu and grey-level percentiles) and from the outline of Canny edges. Each candidate
is scored by its weakest side's edge support: the median gradient found along the side. A real
sheet edge is sharp all along; a quad that took in a bright corner of the table, or that cut the
sheet along a soft shadow, has one side on nothing (measured on the synthetic corpus: true sheets
score 130-420, such quads 7-13). The best candidate is used when it is confident; otherwise the
image is returned unchanged (the full frame is read).
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

_DETECT_SIDE = 800
_MIN_AREA = 0.20
_MAX_AREA = 0.97
#: Percentiles of the grey levels tried as thresholds beside Otsu's (a sheet under a shadow, a
#: light table).
_PERCENTILES = (30, 45, 60, 75)
_CANNY = ((20, 60), (40, 120))
#: A quad whose weakest side has a median gradient (Sobel 3x3 on the blurred small copy) under
#: this lies at least partly on no edge.
_MIN_SUPPORT = 50.0
#: Otsu's quad this well supported is taken without trying the others (true sheets scored
#: 236-421 on the corpus, wrong Otsu quads 6-12).
_SURE_SUPPORT = 100.0
_SIDE_SAMPLES = 40
_SIDE_REACH = 3  # pixels either side of the side searched for the edge (approximation error)
_EDGE_MARGIN = 3  # pixels: a side along the frame is the photo's edge, not the sheet's


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


def _quad_of_hull(hull: NDArray[Any]) -> NDArray[np.float32] | None:
    perimeter = cv2.arcLength(hull, closed=True)
    for epsilon in (0.02, 0.03, 0.04, 0.05):
        approx = cv2.approxPolyDP(hull, epsilon * perimeter, closed=True)
        if len(approx) == 4:
            break
    else:
        return None
    if not cv2.isContourConvex(approx):
        return None
    quad = approx.reshape(4, 2).astype(np.float32)
    ordered = _order(quad)
    if len({tuple(point) for point in ordered.tolist()}) < 4:
        return None
    return ordered


def _quad_from_mask(mask: NDArray[np.uint8], area: float) -> NDArray[np.float32] | None:
    """The largest blob of ``mask`` as a quad, when it is one (fills its quad)."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    contour_area = cv2.contourArea(contour)
    if not _MIN_AREA * area <= contour_area <= _MAX_AREA * area:
        return None
    quad = _quad_of_hull(cv2.convexHull(contour))
    if quad is None:
        return None
    quad_area = cv2.contourArea(quad)
    if quad_area <= 0 or contour_area / quad_area < 0.90:
        return None
    return quad


def _bright_quads(small: NDArray[np.uint8], levels: list[float]) -> list[NDArray[np.float32]]:
    """The largest blob brighter than each level, as a quad where it is one."""
    area = float(small.shape[0] * small.shape[1])
    # Close the text holes so the sheet is one blob, open to cut thin bridges to the background.
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    quads = []
    for level in levels:
        _, mask = cv2.threshold(small, level, 255, cv2.THRESH_BINARY)
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, kernel)
        mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, kernel)
        quad = _quad_from_mask(np.asarray(mask, dtype=np.uint8), area)
        if quad is not None:
            quads.append(quad)
    return quads


def _otsu_candidate(small: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
    otsu, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return _bright_quads(small, [float(otsu)])


def _mask_candidates(small: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
    return _bright_quads(small, [float(v) for v in np.percentile(small, _PERCENTILES)])


def _edge_candidates(small: NDArray[np.uint8]) -> list[NDArray[np.float32]]:
    """Outlines of the largest edge groups (the sheet's border and the text inside it)."""
    area = float(small.shape[0] * small.shape[1])
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3))
    quads = []
    for low, high in _CANNY:
        edges = cv2.dilate(cv2.Canny(small, low, high), kernel)
        contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
        hulls = sorted((cv2.convexHull(c) for c in contours), key=cv2.contourArea, reverse=True)
        for hull in hulls[:5]:
            if not _MIN_AREA * area <= cv2.contourArea(hull) <= _MAX_AREA * area:
                continue
            quad = _quad_of_hull(hull)
            if quad is not None:
                quads.append(quad)
    return quads


def _on_frame(a: NDArray[np.float32], b: NDArray[np.float32], shape: tuple[int, ...]) -> bool:
    """Whether the side a-b runs along one edge of the frame (the sheet goes beyond it)."""
    height, width = shape[:2]
    limits = ((0, 0.0), (0, width - 1.0), (1, 0.0), (1, height - 1.0))
    return any(
        abs(a[axis] - at) <= _EDGE_MARGIN and abs(b[axis] - at) <= _EDGE_MARGIN
        for axis, at in limits
    )


def edge_support(gradient: NDArray[np.float32], quad: NDArray[np.float32]) -> float:
    """The weakest side's median gradient along it (sides along the frame are not counted)."""
    height, width = gradient.shape[:2]
    steps = np.linspace(0.05, 0.95, _SIDE_SAMPLES, dtype=np.float32)[:, None]
    reach = np.arange(-_SIDE_REACH, _SIDE_REACH + 1, dtype=np.float32)[None, :, None]
    supports = []
    for index in range(4):
        a, b = quad[index], quad[(index + 1) % 4]
        if _on_frame(a, b, gradient.shape):
            continue
        direction = b - a
        length = float(np.linalg.norm(direction))
        if length < 1:
            return 0.0
        normal = np.array([-direction[1], direction[0]], dtype=np.float32) / length
        points = (a + steps * direction)[:, None, :] + reach * normal  # samples x reach x 2
        xs = np.clip(np.rint(points[..., 0]).astype(int), 0, width - 1)
        ys = np.clip(np.rint(points[..., 1]).astype(int), 0, height - 1)
        supports.append(float(np.median(gradient[ys, xs].max(axis=1))))
    if len(supports) < 2:
        return 0.0
    return min(supports)


def find_page(gray: NDArray[np.uint8]) -> NDArray[np.float32] | None:
    """Corners of the sheet in ``gray`` (TL, TR, BR, BL), or None when not confident."""
    height, width = gray.shape[:2]
    scale = _DETECT_SIDE / max(height, width)
    resized = cv2.resize(gray, (max(int(width * scale), 1), max(int(height * scale), 1)))
    small = np.asarray(cv2.GaussianBlur(resized, (5, 5), 0), dtype=np.uint8)
    gradient = np.asarray(
        cv2.magnitude(cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1)),
        dtype=np.float32,
    )
    best: tuple[float, NDArray[np.float32]] | None = None
    for candidates in (_otsu_candidate, _mask_candidates, _edge_candidates):
        for quad in candidates(small):
            support = edge_support(gradient, quad)
            if support >= _MIN_SUPPORT and (best is None or support > best[0]):
                best = (support, quad)
        if best is not None and best[0] >= _SURE_SUPPORT:
            break  # Otsu's sheet, the usual case: no need to try the others
    if best is None:
        return None
    return best[1] / scale


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
