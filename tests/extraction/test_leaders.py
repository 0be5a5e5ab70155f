"""Dot leaders are erased before OCR; the words beside them, decimal points, ellipses kept."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from extraction import imaging
from extraction.imaging.leaders import find_leaders, remove_leaders

TEXT_HEIGHT = 24.0


def _row() -> np.ndarray:
    """'Hematocrite ........ 64,4 * %' drawn at about 24 px text height, plus an ellipsis."""
    page = np.full((160, 1400), 250, dtype=np.uint8)
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(page, "Hematocrite", (20, 60), font, 1.0, 20, 2, cv2.LINE_AA)
    for x in range(240, 900, 12):  # the leader
        cv2.circle(page, (x, 58), 2, 20, -1)
    cv2.putText(page, "64.4 * %", (920, 60), font, 1.0, 20, 2, cv2.LINE_AA)
    cv2.putText(page, "Suite... voir au dos", (20, 130), font, 1.0, 20, 2, cv2.LINE_AA)
    return page


def test_the_leader_is_found_and_the_words_kept():
    page = _row()
    mask = find_leaders(page, TEXT_HEIGHT)
    assert mask[50:66, 240:900].any(axis=0).mean() > 0.2  # dots along the whole run
    assert not mask[:, :220].any()  # the test name
    assert not mask[:, 915:].any()  # the value, its decimal point and the unit
    assert not mask[95:, :].any()  # "..." in a sentence is no leader


def test_removed_leader_leaves_paper():
    cleaned, count = remove_leaders(_row(), TEXT_HEIGHT)
    assert count > 0
    assert cleaned[50:66, 240:900].min() > 200
    assert cleaned[30:70, 20:200].min() < 100  # the name is still there


def test_a_page_without_leaders_is_unchanged():
    page = np.full((200, 800), 250, dtype=np.uint8)
    cv2.putText(page, "Potassium 4.2 mmol/L", (20, 80), cv2.FONT_HERSHEY_SIMPLEX, 1, 20, 2)
    cleaned, count = remove_leaders(page, TEXT_HEIGHT)
    assert count == 0
    assert cleaned is page


def test_leaders_are_found_when_the_text_height_measured_is_the_dots():
    # a page of many leaders: the median mark is a dot, so the height handed in is a dot's
    page = np.full((400, 1400), 250, dtype=np.uint8)
    for row in range(4):
        y = 60 + 90 * row
        text = "Hematocrite totale"
        cv2.putText(page, text, (20, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2, cv2.LINE_AA)
        for x in range(330, 750, 12):
            cv2.circle(page, (x, y - 2), 2, 20, -1)
        cv2.putText(page, "35.8 %", (780, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 20, 2, cv2.LINE_AA)
    mask = find_leaders(page, 5.0)
    assert mask[40:70, 330:750].any(axis=0).mean() > 0.2
    assert not mask[:, :310].any()
    assert not mask[:, 770:].any()


def _telegram_page_full_of_leaders() -> np.ndarray:
    """Telegram size: letters ~9 px, 3 px dots, more dots than letters (the median mark)."""
    page = np.full((700, 900), 245, dtype=np.uint8)
    for row in range(14):
        y = 40 + 45 * row
        font = cv2.FONT_HERSHEY_SIMPLEX
        cv2.putText(page, "Hematocrite", (20, y), font, 0.45, 30, 1, cv2.LINE_AA)
        for x in range(130, 250, 6):
            cv2.rectangle(page, (x, y - 2), (x + 2, y), 30, -1)
            page[y - 2, x] = 245  # a dot is not a full square
        cv2.putText(page, "35.8 %", (265, y), font, 0.45, 30, 1, cv2.LINE_AA)
    return page


def test_a_page_full_of_leaders_is_upscaled_for_its_letters_not_its_dots():
    steps = imaging.Steps(page=False, orientation=False, deskew=False)
    prepared = imaging.prepare(Image.fromarray(_telegram_page_full_of_leaders()), steps)
    assert prepared.text_height is not None and prepared.text_height >= 8  # not the dots' 3 px
    assert prepared.scale < 2.9  # 24 px letters, not x3
    assert not prepared.low_resolution
