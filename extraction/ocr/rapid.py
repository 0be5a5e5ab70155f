"""RapidOCR 3.x (PP-OCR models on onnxruntime, shipped inside the wheel: works offline).

Optional (``pip install carnet[ocr-rapid]``); the probe reports it missing when not installed.
Word boxes come from RapidOCR's word results; lines are rebuilt by ``layout`` like Tesseract's.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from extraction.errors import OcrEngineMissing, OcrFailed
from extraction.ocr.layout import build_lines
from extraction.options import ExtractionOptions
from extraction.text import ReadPage, Word
from store.records import Box

log = logging.getLogger(__name__)


def _quad_box(points: Any) -> Box:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    left, top = int(min(xs)), int(min(ys))
    return Box(x=left, y=top, width=max(int(max(xs)) - left, 1), height=max(int(max(ys)) - top, 1))


def _split_line(text: str, score: float, box: Box) -> list[Word]:
    """Words of a line without word boxes: boxes shared out by character count."""
    parts = text.split()
    total = sum(len(p) for p in parts) + max(len(parts) - 1, 0)
    words = []
    offset = 0
    for part in parts:
        x = box.x + int(box.width * offset / max(total, 1))
        width = max(int(box.width * len(part) / max(total, 1)), 1)
        words.append(
            Word(
                text=part,
                box=Box(x=x, y=box.y, width=width, height=box.height),
                confidence=score,
            )
        )
        offset += len(part) + 1
    return words


class RapidOcrEngine:
    """RapidOCR: slightly more accurate than Tesseract on clean pages, 1.4-3x slower (bench)."""

    name = "rapidocr"

    def __init__(self, options: ExtractionOptions) -> None:
        """Load the models (shipped in the wheel) once."""
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:
            raise OcrEngineMissing(
                "rapidocr not installed: pip install rapidocr onnxruntime"
            ) from exc
        try:
            # No line-angle classifier: pages are turned upright before OCR, and the classifier
            # flips short cells ("g/dL" read upside down as "7p/6").
            self._engine = RapidOCR(params={"Global.log_level": "error", "Global.use_cls": False})
        except Exception as exc:
            raise OcrEngineMissing("rapidocr models could not be loaded") from exc
        self.timeout = options.ocr_timeout_seconds
        self._lock = threading.Lock()

    def read(self, image: Image.Image) -> ReadPage:
        """OCR ``image``; words with their boxes and recognition scores."""
        started = time.perf_counter()
        array = np.asarray(image.convert("RGB"))[:, :, ::-1]
        try:
            with self._lock:
                result: Any = self._engine(array, return_word_box=True)
        except Exception as exc:
            raise OcrFailed("rapidocr error") from exc
        words: list[Word] = []
        txts = result.txts or ()
        scores = result.scores or ()
        boxes = result.boxes if result.boxes is not None else ()
        word_results = getattr(result, "word_results", None) or ()
        for index, (text, score, quad) in enumerate(zip(txts, scores, boxes, strict=False)):
            line_words = word_results[index] if index < len(word_results) else ()
            pieces = [w for w in line_words if w and str(w[0]).strip()]
            if pieces and " ".join(str(w[0]) for w in pieces).split() == str(text).split():
                for piece_text, piece_score, piece_quad in pieces:
                    words.append(
                        Word(
                            text=str(piece_text),
                            box=_quad_box(piece_quad),
                            confidence=round(float(piece_score), 4),
                        )
                    )
            else:
                words.extend(_split_line(str(text), round(float(score), 4), _quad_box(quad)))
        log.debug("rapidocr read %d words in %.2fs", len(words), time.perf_counter() - started)
        return ReadPage(
            number=1,
            lines=build_lines(words),
            width=image.width,
            height=image.height,
            source="ocr",
        )


class RapidCellReader:
    """RapidOCR's recognition model alone (no detection) on small crops: the second reader of
    the number cells Tesseract was unsure of (``extraction.ocr.cells``).

    The model shipped in the rapidocr wheel is run here on onnxruntime directly, as RapidOCR's
    recogniser runs it (48 px high, scaled to [-1, 1], greedy CTC decoding): building it
    through ``RapidOCR`` read its YAML configurations first (0.85 s CPU per process, against
    0.23 s). One onnxruntime thread (two shared cores; the crops are small), and each crop padded
    to its own width only (RapidOCR pads every crop to 320 px, 3x the work for a short number).
    About 0.01 s CPU a cell.
    """

    height = 48
    #: one crop a run: padded to a batch's widest crop, a crop's score (and, rarely, its text)
    #: depended on its neighbours, for no less CPU (0.29 s for 22 cells against 0.33 s by 6)
    batch = 1

    def __init__(self) -> None:
        """Load the recognition model.

        Raises:
            OcrEngineMissing: rapidocr or onnxruntime is not installed, or the model is missing.
        """
        try:
            import onnxruntime
            import rapidocr
        except ImportError as exc:
            raise OcrEngineMissing(
                "rapidocr not installed: pip install rapidocr onnxruntime"
            ) from exc
        models = sorted((Path(rapidocr.__file__).parent / "models").glob("*rec*.onnx"))
        if not models:
            raise OcrEngineMissing("rapidocr recognition model not found")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.enable_cpu_mem_arena = False
        try:
            self._session = onnxruntime.InferenceSession(
                str(models[-1]), options, providers=["CPUExecutionProvider"]
            )
            characters = self._session.get_modelmeta().custom_metadata_map["character"]
        except Exception as exc:
            raise OcrEngineMissing("rapidocr recognition model could not be loaded") from exc
        self._characters = ["", *characters.splitlines(), " "]  # CTC blank first
        self._input = self._session.get_inputs()[0].name
        self._lock = threading.Lock()

    def _tensor(self, crop: Image.Image, width: int) -> np.ndarray:
        gray = np.asarray(crop.convert("L"), dtype=np.uint8)
        scaled_width = min(width, math.ceil(self.height * gray.shape[1] / max(gray.shape[0], 1)))
        resized = cv2.resize(gray, (max(scaled_width, 1), self.height)).astype(np.float32)
        padded = np.zeros((3, self.height, width), dtype=np.float32)
        padded[:, :, : resized.shape[1]] = resized / 127.5 - 1.0
        return padded

    def _decode(self, row: np.ndarray) -> tuple[str, float]:
        indices = row.argmax(axis=1)
        probabilities = row.max(axis=1)
        keep = np.ones(len(indices), dtype=bool)
        keep[1:] = indices[1:] != indices[:-1]
        keep &= indices != 0
        text = "".join(self._characters[i] for i in indices[keep] if i < len(self._characters))
        score = float(probabilities[keep].mean()) if keep.any() else 0.0
        return text, score

    def read_cells(self, crops: Sequence[Image.Image]) -> list[tuple[str, float]]:
        """The text and score of each crop (grayscale or RGB), in order."""
        ratios = [crop.width / max(crop.height, 1) for crop in crops]
        order = sorted(range(len(crops)), key=lambda i: ratios[i])
        out: list[tuple[str, float]] = [("", 0.0)] * len(crops)
        for start in range(0, len(order), self.batch):
            chunk = order[start : start + self.batch]
            width = math.ceil(self.height * max(1.0, *(ratios[i] for i in chunk)))
            tensors = np.stack([self._tensor(crops[i], width) for i in chunk])
            try:
                with self._lock:
                    (predictions,) = self._session.run(None, {self._input: tensors})[:1]
            except Exception as exc:
                raise OcrFailed("rapidocr error") from exc
            for index, row in zip(chunk, predictions, strict=True):
                out[index] = self._decode(row)
        return out


_cell_reader: RapidCellReader | None = None
_cell_lock = threading.Lock()


def cell_reader() -> RapidCellReader:
    """The process's cell reader, loaded on first use.

    Raises:
        OcrEngineMissing: rapidocr is not installed.
    """
    global _cell_reader
    with _cell_lock:
        if _cell_reader is None:
            _cell_reader = RapidCellReader()
        return _cell_reader
