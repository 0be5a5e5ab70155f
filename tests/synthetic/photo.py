"""Phone photos of a page: a sheet on a table, in perspective, turned, shadowed, blurred, JPEG."""

from __future__ import annotations

import io
import math
import random

import cv2
import numpy as np
from PIL import Image

BACKGROUNDS = [(92, 64, 42), (140, 110, 80), (70, 70, 75), (40, 52, 80), (170, 165, 155)]


def _background(
    rng: np.random.Generator, height: int, width: int, colour: tuple[int, ...]
) -> np.ndarray:
    """A table: a base colour with low-frequency blotches and fine grain (uint8 RGB)."""
    small_h, small_w = max(8, height // 4), max(8, width // 4)
    coarse = rng.normal(0, 18, (8, 8)).astype(np.float32)
    blotch = cv2.resize(coarse, (small_w, small_h), interpolation=cv2.INTER_CUBIC)
    grain = rng.standard_normal((small_h, small_w), dtype=np.float32) * 6
    base = np.array(colour, dtype=np.float32)[None, None, :]
    small = np.clip(base + (blotch + grain)[..., None], 0, 255).astype(np.uint8)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_LINEAR)


def _quad(
    prng: random.Random,
    width: int,
    height: int,
    fill: float,
    tilt: float,
    skew: float,
    aspect: float,
) -> np.ndarray:
    """Where the sheet's four corners land in the photo (clockwise from top-left)."""
    sheet_h = height * fill
    sheet_w = sheet_h / aspect
    if sheet_w > width * 0.96:
        sheet_w = width * 0.96
        sheet_h = sheet_w * aspect
    cx = width / 2 + prng.uniform(-0.03, 0.03) * width
    cy = height / 2 + prng.uniform(-0.03, 0.03) * height
    angle = math.radians(prng.uniform(-tilt, tilt))
    corners = []
    for dx, dy in [(-1, -1), (1, -1), (1, 1), (-1, 1)]:
        x = dx * sheet_w / 2 + prng.uniform(-skew, skew) * sheet_w
        y = dy * sheet_h / 2 + prng.uniform(-skew, skew) * sheet_h
        # keystone: the far (top) edge looks narrower
        if dy < 0:
            x *= 1 - prng.uniform(0, skew * 1.5)
        xr = x * math.cos(angle) - y * math.sin(angle) + cx
        yr = x * math.sin(angle) + y * math.cos(angle) + cy
        corners.append((min(max(xr, 2), width - 3), min(max(yr, 2), height - 3)))
    return np.array(corners, dtype=np.float32)


def _lighting(
    prng: random.Random, rng: np.random.Generator, height: int, width: int, strength: float
) -> np.ndarray:
    """An illumination field: a gradient and a soft shadow (float32, about 0.5 to 1.05)."""
    small_h, small_w = 96, round(96 * width / height)
    yy, xx = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    theta = prng.uniform(0, 2 * math.pi)
    ramp = (xx / small_w - 0.5) * math.cos(theta) + (yy / small_h - 0.5) * math.sin(theta)
    field = 1.0 - strength * 0.35 * (ramp + 0.5)
    if prng.random() < 0.7:
        mask: np.ndarray = np.zeros((small_h, small_w), np.float32)
        points = np.array(
            [
                (prng.uniform(-0.2, 1.2) * small_w, prng.uniform(-0.2, 1.2) * small_h)
                for _ in range(4)
            ],
            dtype=np.int32,
        )
        cv2.fillConvexPoly(mask, cv2.convexHull(points), 1.0)
        mask = cv2.GaussianBlur(mask, (0, 0), small_h * prng.uniform(0.03, 0.1))
        field *= 1 - mask * strength * prng.uniform(0.2, 0.45)
    field += rng.normal(0, 0.01, field.shape).astype(np.float32)
    return cv2.resize(field, (width, height), interpolation=cv2.INTER_CUBIC)


def phone_photo(
    page: Image.Image,
    prng: random.Random,
    seed: int,
    *,
    long_side: int = 4032,
    fill: tuple[float, float] = (0.72, 0.9),
    tilt: float = 7.0,
    skew: float = 0.05,
    turns: int | None = None,
) -> Image.Image:
    """Photograph a grey page image as a phone would: returns an RGB image."""
    rng = np.random.default_rng(seed)
    width, height = round(long_side * 3 / 4), long_side
    sheet = np.asarray(page.convert("L"), dtype=np.uint8)
    tint = np.array(
        [prng.uniform(0.93, 1.0), prng.uniform(0.92, 0.98), prng.uniform(0.84, 0.95)],
        dtype=np.float32,
    )
    quad = _quad(
        prng, width, height, prng.uniform(*fill), tilt, skew, sheet.shape[0] / sheet.shape[1]
    )
    src = np.array(
        [(0, 0), (sheet.shape[1], 0), (sheet.shape[1], sheet.shape[0]), (0, sheet.shape[0])],
        dtype=np.float32,
    )
    matrix = cv2.getPerspectiveTransform(src, quad)
    scale = math.dist(quad[0], quad[3]) / sheet.shape[0]
    gray: np.ndarray = sheet
    if scale < 0.8:  # pre-shrink to avoid aliasing
        factor = scale / 0.95
        gray = cv2.resize(sheet, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
        matrix = matrix @ np.diag([1 / factor, 1 / factor, 1]).astype(np.float64)
    source = cv2.merge([cv2.convertScaleAbs(gray, alpha=float(t)) for t in tint])
    warped = cv2.warpPerspective(
        source, matrix, (width, height), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0)
    )
    mask: np.ndarray = np.zeros((height, width), np.uint8)
    cv2.fillConvexPoly(mask, quad.astype(np.int32), 255)
    mask = cv2.GaussianBlur(mask, (0, 0), 1.2)
    background = _background(rng, height, width, prng.choice(BACKGROUNDS))
    alpha = mask.astype(np.float32)
    alpha *= 1 / 255
    light = _lighting(prng, rng, height, width, prng.uniform(0.4, 1.0))
    photo: np.ndarray = warped.astype(np.float32)
    back = background.astype(np.float32)
    photo -= back
    photo *= alpha[..., None]
    photo += back
    del back, warped, background
    photo *= light[..., None]
    sigma = prng.uniform(0.6, 1.6) * long_side / 4032
    photo = cv2.GaussianBlur(photo, (0, 0), sigma)
    noise = rng.standard_normal(photo.shape, dtype=np.float32)
    noise *= prng.uniform(2.5, 7.0)
    np.add(photo, noise, out=photo)
    del noise
    np.clip(photo, 0, 255, out=photo)
    result = photo.astype(np.uint8)
    k = prng.choices([0, 1, 2, 3], weights=[55, 15, 15, 15])[0] if turns is None else turns
    if k:
        result = np.ascontiguousarray(np.rot90(result, k))
    return Image.fromarray(result, "RGB")


def telegram(photo: Image.Image, quality: int) -> bytes:
    """What Telegram makes of a photo: 1280 px on the long side, recompressed JPEG."""
    scale = 1280 / max(photo.size)
    small = photo.resize(
        (round(photo.width * scale), round(photo.height * scale)), Image.Resampling.LANCZOS
    )
    buffer = io.BytesIO()
    small.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()
