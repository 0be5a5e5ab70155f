"""Lab reports: sampling date and, for each test, value, unit, reference range and flag.

=============================================  ============================================
written                                        read as
=============================================  ============================================
``Potassium 5,8 H mmol/L 3,5 - 5,1 4,9``       5.8 mmol/L, range 3.5-5.1, H (4,9 is the
                                               previous result, after the range: ignored)
``Hémoglobine ...... 13,5 * g/dL (13,0-17,0)`` dot leaders; ``*`` with the range gives H/L
``CRP 12,0 mg/L < 5,0``                        range high 5.0, computed flag H
``DFG estimé (CKD-EPI) 48 mL/min/1,73 m² > 60``  range low 60, L
``Créatinine 85 µmol/L 60 à 110``              range 60-110, N
``INR 1,05 0,80 - 1,20``                       no unit
``Prélevé le 04/05/2025``, ``Collected: …``    effective date of every result
=============================================  ============================================

Columns: when a header row names a previous-results column (``Antériorités``, ``Previous``,
``Résultats antérieurs``), words at or right of its left edge are dropped on that page, so a
previous value is never taken for the current one. Test names are matched to the reference
(LOINC); an unknown name on a row with a unit and a range is kept and flagged ``unknown_test``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date

from rapidfuzz import fuzz

from extraction.options import ExtractionOptions
from extraction.parse.confusions import candidates_where, value_candidates, within
from extraction.parse.dates import find_dates
from extraction.parse.lines import Line, flag, provenance
from extraction.parse.patterns.false_positives import is_header_line
from extraction.parse.patterns.normalize import simplify
from extraction.parse.patterns.numbers import parse_number
from extraction.reference.labtests import LabTest, LabTestMatch, lab_tests, lookup_lab_test
from store.records import Interpretation, LabResult, ReferenceRange

# ":" as a decimal mark is an OCR misreading of "." ("1:95"); a flag may be glued on ("71H")
_VALUE = re.compile(
    r"(?<![\w(/.,:-])(?P<cmp>[<>]=?\s?)?(?P<num>\d+(?:[.,:]\d+)?)"
    r"(?!(?![HL](?:\s|$))[\w)/-]|[.,:]\d)"
)
_FLAG = re.compile(r"^\s*(?P<flag>\*{1,3}|[HL](?![a-zA-Z])|↑|↓|\+\+?|--?|\(H\)|\(L\))")
_UNIT = re.compile(
    r"^\s*(?P<unit>mL/min/1[,.]73\s?m[²2?]?|mL/min|(?:10\^?\d+|10[⁹¹²]+)/L|"
    r"[a-zA-Zµ%][a-zA-Zµ%/²³0-9.]*(?:/[a-zA-Zµ%0-9²³.]+)*)"
)
_RANGE_PAIR = re.compile(
    # the dash as OCR may read it on a photo: "=-", "~", a quote
    r"\(?\s*(?P<low>\d+(?:[.,:]\d+)?)\s*(?:[-=~\"']{1,2}|à|a|to|–)\s*"
    r"(?P<high>\d+(?:[.,:;]\d+)?)\s*\)?"
    # OCR may lose the dash of "(3,5 - 5,1)": a pair in parentheses is still a range
    r"|\(\s*(?P<low2>\d+(?:[.,:]\d+)?)\s+(?P<high2>\d+(?:[.,:]\d+)?)\s*\)"
)
_RANGE_BOUND = re.compile(
    r"\(?\s*(?P<op>[<>≤≥]=?|inf\.?\s*[àa]|sup\.?\s*[àa])\s*(?P<num>\d+(?:[.,:]\d+)?)\s*\)?"
)
_SAMPLING = re.compile(
    r"pr[ée]lev[ée]\s+le|pr[ée]l[èe]vement\s+(?:du|le)|date\s+(?:de|du)\s+pr[ée]l[èe]vement|"
    r"collected|sample(?:d)?\s+(?:on|date)|collection\s+date|specimen\s+date|date of collection",
    re.IGNORECASE,
)
_PREVIOUS_HEADER = re.compile(
    r"ant[ée]riorit[ée]s?|r[ée]sultats?\s+ant[ée]rieurs?|pr[ée]c[ée]dents?|previous|prior\s+results?",
    re.IGNORECASE,
)
_UNIT_HEADER = re.compile(r"\bunit[ée]s?\b|\bunits?\b", re.IGNORECASE)
_RANGE_HEADER = re.compile(
    r"\bvaleurs?\s+(?:de\s+)?r[ée]f|\br[ée]f[ée]rences?\b|\breference\b|\bnormes?\b|"
    r"\bintervalle",
    re.IGNORECASE,
)
_BIRTH = re.compile(r"\bn[ée]+\s*\(?e?\)?\s+le\b|\bnaissance\b|\bdate of birth\b|\bdob\b", re.I)
_LEADERS = re.compile(r"(?:\s*[.·_…]{2,}\s*)+")
_GUESS_SCORE = 70.0
#: An unknown test name read with less confidence than this is OCR noise, not a test.
_UNKNOWN_MIN_CONFIDENCE = 0.5
_SECTION = re.compile(
    r"\b(?:BILAN|H[ÉE]MATOLOGIE|BIOCHIMIE|HORMONOLOGIE|LIPIDIQUE|H[ÉE]PATIQUE|SANGUINE|"
    r"NUM[ÉE]RATION|VITAMINES|H[ÉE]MOSTASE|CHEMISTRY|HAEMATOLOGY|HEMATOLOGY|PROFILE|"
    r"COAGULATION|ENDOCRINOLOGY|FUNCTION)\b"
)
_GLUED = re.compile(r"^[°:;]+")
_AS_DIGIT = {"A": "4", "O": "0", "I": "1", "l": "1", "S": "5", "B": "8"}
_LETTER_DIGIT = re.compile(r"(?<![\w.,])[AOIlSB](?=\d)")
_EDGE_JUNK = re.compile(r"^[\s|!\[\]{}]+")
# A photo's page edge read as one stray mark before the test name: "4 TCMH", "x Hématocrite".
_LEAD_JUNK = re.compile(r"^\s*(?:[^\sA-Za-zÀ-ÿ(<>]{1,2}|[A-Za-zÀ-ÿ])\s+(?=[A-Za-zÀ-ÿ]{3,})")
_NOT_UNIT = {"a", "à", "to", "h", "l", "inf", "sup", "de", "le"}
# Tesseract reads dot leaders as short runs of these letters ("vice ccc cece eee eens").
_LEADER_JUNK = re.compile(r"^[.,:;'`·_\-ceiwvnsoaru]{1,6}$")
_UNIT_FOLDS = [
    (re.compile(r"mot"), "mol"),
    (re.compile(r"^[upiy](?=mol|g/|g$|ui|l)"), "µ"),
    (re.compile(r"[²?]"), "2"),
    (re.compile(r","), "."),
    (re.compile(r"\s+"), ""),
]


def _unit_key(unit: str) -> str:
    key = unit.lower().replace("μ", "µ")
    for pattern, replacement in _UNIT_FOLDS:
        key = pattern.sub(replacement, key)
    return key


def fix_unit(written: str | None, expected: str | None) -> str | None:
    """The reference unit when ``written`` is an OCR misreading of it (``pmol/L`` for ``µmol/L``,
    ``m2`` for ``m²``); the written unit otherwise (a lab may use another unit)."""
    if not written or not expected:
        return written
    if written == expected:
        return written
    if _unit_key(written) == _unit_key(expected):
        return expected
    return written


_PREFIXES = {"µ", "m", "n", "p", "k"}
#: A unit read this close to the test's usual unit (rapidfuzz ratio) is a misreading of it.
_UNIT_SNAP_SCORE = 60.0


@functools.cache
def _known_units() -> frozenset[str]:
    return frozenset(_unit_key(t.unit) for t in lab_tests() if t.unit)


def snap_unit(written: str | None, expected: str | None) -> tuple[str | None, str | None]:
    """(unit, flag reason or None): ``written`` snapped to the test's usual unit ``expected``.

    ``g/t`` for ``g/L``, ``U/L`` for ``UI/L``, ``ml/min/1`` for ``mL/min/1,73 m²``, ``g/L``
    for ``µg/L`` (the prefix lost) are snapped and flagged ``unit_corrected``; a unit another
    test uses (``ng/mL`` for ferritin) is a lab's own choice and kept; an unknown unit far from
    the usual one is kept and flagged ``unknown_unit``; a missing ``%`` is put back, flagged
    ``unit_assumed``.
    """
    if not written and expected == "%":
        return expected, "unit_assumed"  # a lone "%" is the glyph OCR drops most
    if not written or not expected:
        return written, None
    fixed = fix_unit(written, expected)
    if fixed == expected:
        return expected, None
    key, usual = _unit_key(written), _unit_key(expected)
    if usual.endswith(key) and usual[: -len(key)] in _PREFIXES:
        return expected, "unit_corrected"  # "g/L" for "µg/L": the prefix's glyph was lost
    if key in _known_units():
        return written, None
    if fuzz.ratio(key, usual) >= _UNIT_SNAP_SCORE or (len(key) >= 4 and usual.startswith(key)):
        return expected, "unit_corrected"
    return written, "unknown_unit"


def trim_leaders(name: str) -> str:
    """Drop trailing dot leaders that OCR read as letters (``Urée vice ccc eee`` -> ``Urée``)."""
    words = name.split()
    cut = len(words)
    while cut > 1 and _LEADER_JUNK.match(words[cut - 1]):
        cut -= 1
    return " ".join(words[:cut]) if len(words) - cut >= 2 else name


@dataclass
class _Row:
    name: str
    value: float | None
    value_text: str | None
    unit: str | None
    range: ReferenceRange | None
    flag: str | None
    value_span: tuple[int, int]


def find_sampling_date(lines: list[Line]) -> date | None:
    """The sampling date (``Prélevé le``, ``Collected:``), else the first other date that is
    not a birth, edition or previous-results date, else the edition date."""
    limits = _previous_columns(lines)

    def dates_of(line: Line) -> list[date]:
        text = line.text
        if line.page in limits:
            text = text[: line.cut_before_x(limits[line.page])]
        return [found for found, _ in find_dates(text)]

    for line in lines:
        if _SAMPLING.search(line.text) and dates_of(line):
            return dates_of(line)[0]
    edited: date | None = None
    for line in lines:
        if _BIRTH.search(line.text):
            continue
        found = dates_of(line)
        if not found:
            continue
        if re.search(r"[ée]dit[ée]|printed|imprim|issued", line.text, re.I):
            edited = edited or found[0]
            continue
        return found[0]
    return edited


def _previous_columns(lines: list[Line]) -> dict[int, int]:
    """Per page, the left x of the previous-results column header, when there is one."""
    limits: dict[int, int] = {}
    for line in lines:
        match = _PREVIOUS_HEADER.search(line.text)
        if not match or line.page in limits:
            continue
        for start, end, _, x in line.offsets:
            if start <= match.start() < end or match.start() <= start < match.end():
                height = line.box.height if line.box else 0
                limits[line.page] = x - max(2, height // 2)
                break
    return limits


@dataclass
class _Columns:
    """Left edges (page pixels) of the unit and range columns, from a table's header row."""

    header_y: int
    unit_left: int
    range_left: int


def _table_columns(lines: list[Line]) -> dict[int, _Columns]:
    """Per page, the unit and range columns named by a header row (``Unités``, ``Valeurs de
    référence``; ``Units``, ``Reference range``), when the words have positions."""
    columns: dict[int, _Columns] = {}
    for line in lines:
        if line.page in columns or line.box is None:
            continue
        unit = _UNIT_HEADER.search(line.text)
        reference = _RANGE_HEADER.search(line.text)
        if not unit or not reference or reference.start() < unit.end():
            continue
        lefts = {}
        for name, match in (("unit", unit), ("range", reference)):
            for start, end, _, x in line.offsets:
                if start <= match.start() < end:
                    lefts[name] = x
                    break
        if len(lefts) == 2 and lefts["unit"] < lefts["range"]:
            tolerance = max(2, line.box.height // 2)
            columns[line.page] = _Columns(
                header_y=line.box.y,
                unit_left=lefts["unit"] - tolerance,
                range_left=lefts["range"] - tolerance,
            )
    return columns


def _read_row_by_columns(line: Line, text: str, columns: _Columns) -> _Row | None:
    """Read a row by the header's columns: the value only from left of the unit column, the
    unit and the range only from their own columns (a lost value never becomes the range)."""
    unit_at = min(line.cut_before_x(columns.unit_left), len(text))
    range_at = min(line.cut_before_x(columns.range_left), len(text))
    row = _read_row(text[:unit_at])
    if row is None:
        # the value was not read: keep a known test with its unit and range, value asked back
        name = trim_leaders(_LEADERS.sub(" ", _EDGE_JUNK.sub("", text[:unit_at]))).strip(" :.-")
        if len(re.sub(r"[^A-Za-zÀ-ÿ]", "", name)) < 2 or re.search(r"\d[.,]?\d", name):
            return None
        if lookup_lab_test(name) is None:
            return None
        row = _Row(name, None, None, None, None, None, (0, 0))
    unit_text = text[unit_at:range_at].strip()
    range_text = text[range_at:].strip()
    spill = re.match(r"^([^\d<>(≤≥\s]+)\s*(.*)$", _letters_as_digits(range_text))
    if spill:  # a long unit running into the range column ("mL/min/1,73 | m² > 60")
        unit_text = f"{unit_text} {range_text[: spill.end(1)]}".strip()
        range_text = range_text[spill.start(2) :]
    operator = re.search(r"\s*([<>≤≥]=?)$", unit_text)
    if operator:  # "m²>" glued in the unit column: the operator opens the range
        unit_text = unit_text[: operator.start()]
        range_text = f"{operator.group(1)} {range_text}"
    if unit_text:
        unit_match = _UNIT.match(unit_text)
        if unit_match and unit_match.group("unit").lower() not in _NOT_UNIT:
            row.unit = unit_match.group("unit").rstrip(".,")
    if range_text:
        reference, _ = _range(range_text)
        row.range = reference or row.range
    if row.unit is None and row.range is None:
        # columns did not fit this row (a shifted photo): read the text
        return _read_row(text) if row.value is not None else None
    return row


def _mark_read_as_digit(low: str, high: str, high_value: float) -> float | None:
    """The low bound when OCR read its decimal mark as a digit (``335 - 5,1`` for ``3,5 - 5,1``):
    the bounds of a range carry as many decimals, so the digit where the mark of ``high`` would
    be is the mark. None when that does not give a bound under ``high``."""
    decimals = re.search(r"[.,:](\d+)$", high)
    if not low.isdigit() or decimals is None:
        return None
    at = len(low) - len(decimals.group(1)) - 1
    if at < 1:
        return None
    number = parse_number(f"{low[:at]}.{low[at + 1 :]}")
    return number if number is not None and number <= high_value else None


def _range_misread(reference: ReferenceRange) -> bool:
    """Whether the bounds differ from the numbers written in the range's text."""
    if not reference.text:
        return False
    written = [
        parse_number(number.replace(":", ".").replace(";", ","))
        for number in re.findall(r"\d+(?:[.,:;]\d+)?", reference.text)
    ]
    return written != [b for b in (reference.low, reference.high) if b is not None]


def _letters_as_digits(text: str) -> str:
    """A letter OCR read for the first digit of a number (``A0 - 130`` for ``40 - 130``) put
    back; the range then differs from its text and is asked back."""
    return _LETTER_DIGIT.sub(lambda found: _AS_DIGIT[found.group(0)], text)


def _range(text: str) -> tuple[ReferenceRange | None, int]:
    """The reference range at the start of ``text`` and where it ends."""
    written, text = text, _letters_as_digits(text)  # same length: spans hold in both
    pair = _RANGE_PAIR.match(text)
    if pair:
        low_text = pair.group("low") or pair.group("low2")
        high_text = (pair.group("high") or pair.group("high2")).replace(";", ",")
        low = parse_number(low_text.replace(":", "."))
        high = parse_number(high_text.replace(":", "."))
        if low is not None and high is not None and low > high:
            low = _mark_read_as_digit(low_text, high_text, high)
        if low is not None and high is not None and low <= high:
            shown = written[pair.start() : pair.end()].strip()
            return ReferenceRange(low=low, high=high, text=shown), pair.end()
    bound = _RANGE_BOUND.match(text)
    if bound:
        number = parse_number(bound.group("num").replace(":", "."))
        shown = written[bound.start() : bound.end()].strip()
        op = bound.group("op").lower()
        if op.startswith(("<", "≤", "inf")):
            return ReferenceRange(high=number, text=shown), bound.end()
        return ReferenceRange(low=number, text=shown), bound.end()
    return None, 0


def guess_test(name: str, unit: str) -> LabTestMatch | None:
    """A test whose usual unit is ``unit`` and whose name is close to the first words read.

    Used only on rows with a value, a unit and a range (a garbled name in a lab table); the
    result is flagged ``uncertain_test`` for confirmation.
    """
    key = _unit_key(unit)
    candidates = [t for t in lab_tests() if t.unit and _unit_key(t.unit) == key]
    words = name.split()
    best: tuple[LabTest, float] | None = None
    for size in (1, 2):
        if len(words) < size:
            break
        written = " ".join(words[:size]).lower()
        for test in candidates:
            for known in (test.fr, test.en, *test.aliases):
                if len(known) < 4:
                    continue
                score = fuzz.ratio(written, known.lower())
                if score >= _GUESS_SCORE and (best is None or score > best[1]):
                    best = (test, score)
    if best is None:
        return None
    return LabTestMatch(query=name, test=best[0], score=round(best[1], 1))


def _read_row(text: str) -> _Row | None:
    """Split a table row into name, value, flag, unit and range (text after the range ignored)."""
    text = _LEADERS.sub(" ", _EDGE_JUNK.sub("", text))
    text = _LEAD_JUNK.sub(lambda junk: " " * len(junk.group(0)), text)
    value = _VALUE.search(text)
    if not value or value.start() < 2:
        return None
    name = trim_leaders(text[: value.start()].strip(" :.-\t")).strip(" :.-\t")
    if len(re.sub(r"[^A-Za-zÀ-ÿ]", "", name)) < 2:
        return None
    number = parse_number(value.group("num").replace(":", "."))
    if number is None:
        return None
    rest = _GLUED.sub(" ", text[value.end() :], count=1)  # "9,5:H", "65,0°H" as OCR reads them
    flag_match = _FLAG.match(rest)
    flag_text: str | None = None
    if flag_match:
        after = rest[flag_match.end() :]
        if not after or after[0] in " \t":
            flag_text = flag_match.group("flag").strip("()")
            rest = after
    unit: str | None = None
    reference, _ = _range(rest.lstrip())
    if reference is None:
        unit_match = _UNIT.match(rest)
        if unit_match and unit_match.group("unit").lower() not in _NOT_UNIT:
            unit = unit_match.group("unit").rstrip(".,")
            rest = rest[unit_match.end() :]
            flag_after = _FLAG.match(rest)
            if flag_text is None and flag_after and flag_after.group("flag") in {"*", "H", "L"}:
                flag_text = flag_after.group("flag")
                rest = rest[flag_after.end() :]
            reference, _ = _range(rest.lstrip())
    return _Row(
        name=name,
        value=number,
        value_text=value.group(0).strip(),
        unit=unit,
        range=reference,
        flag=flag_text,
        value_span=(value.start(), value.end()),
    )


def _plausible(value: float, low: float | None, high: float | None) -> bool:
    if low is not None and high is not None:
        return low / 3 <= value <= high * 3
    if high is not None:
        return value <= high * 3
    if low is not None:
        return low / 3 <= value <= low * 6
    return True


def _restore_decimals(row: _Row, test: LabTest) -> list[str]:
    """Put back decimal marks that OCR dropped (``337`` for ``33,7``; a range ``35-51`` for
    ``3,5-5,1``), when only the divided number fits the test. Returns the fields changed, which
    are then asked back."""
    changed: list[str] = []
    reference = row.range
    if (
        reference is not None
        and reference.text
        and not re.search(r"\d[.,]\d", reference.text)
        and (test.low is not None or test.high is not None)
    ):
        bounds = [b for b in (reference.low, reference.high) if b is not None]
        typical = [b for b in (test.low, test.high) if b is not None]
        if bounds and not all(_plausible(b, test.low, test.high) for b in bounds):
            for divisor in (10, 100):
                scaled = [b / divisor for b in bounds]
                if all(_plausible(b, test.low, test.high) for b in scaled) and typical:
                    row.range = ReferenceRange(
                        low=reference.low / divisor if reference.low is not None else None,
                        high=reference.high / divisor if reference.high is not None else None,
                        text=reference.text,
                    )
                    changed.append("reference_range")
                    break
    low, high = (row.range.low, row.range.high) if row.range else (test.low, test.high)
    value = row.value
    if (
        value is not None
        and row.value_text
        and not re.search(r"[.,:]", row.value_text)
        and value >= 10
        and not _plausible(value, low, high)
    ):
        for divisor in (10, 100):
            if _plausible(value / divisor, low, high):
                row.value = value / divisor
                changed.append("value")
                break
    return changed


def _any_number(number: float) -> bool:
    return True


def _check_range_digits(row: _Row, test: LabTest) -> bool:
    """Put back a range bound one digit confusion away from the test's usual bound (``(48 - 130)``
    for alkaline phosphatase's ``(40 - 130)``); whether it changed (then asked back)."""
    reference = row.range
    if reference is None or not reference.text:
        return False
    numbers = re.findall(r"\d+(?:[.,:]\d+)?", reference.text)
    names = [n for n in ("low", "high") if getattr(reference, n) is not None]
    if len(numbers) != len(names):
        return False
    bounds = {"low": reference.low, "high": reference.high}
    changed = False
    for name, text in zip(names, numbers, strict=True):
        usual = test.low if name == "low" else test.high
        if usual is None or bounds[name] == usual:
            continue
        if any(abs(number - usual) < 1e-9 for number in candidates_where(text, _any_number)):
            bounds[name] = usual
            changed = True
    if changed:
        row.range = ReferenceRange(low=bounds["low"], high=bounds["high"], text=reference.text)
    return changed


def _check_digits(row: _Row) -> str | None:
    """Flag reason for a value that does not fit its printed range (``0,48`` read ``8,48``): the
    one single-digit substitution inside the range is taken (``ocr_corrected``); with none or
    several, the value is kept as read (``implausible_value``). A value inside the range beside a
    printed H or L is checked the same way against the side the flag names (``flag_mismatch``
    when no single candidate fits)."""
    if row.value is None or not row.value_text or row.range is None:
        return None
    low, high = row.range.low, row.range.high
    digits = row.value_text.lstrip("<>=≤≥ ")
    written = row.flag or ""
    if written in {"H", "L"} and within(row.value, low, high):
        # "18,9 L (12,0 - 22,0)": the printed flag says the value is out of range

        def on_flagged_side(number: float) -> bool:
            if not _plausible(number, low, high):
                return False
            if written == "L":
                return low is not None and number < low
            return high is not None and number > high

        candidates = candidates_where(digits, on_flagged_side)
        if len(candidates) == 1:
            row.value = candidates[0]
            return "ocr_corrected"
        return "flag_mismatch"
    if _plausible(row.value, low, high):
        return None
    # "6.48" for "0.48" above "> 0.40": 8.48 and 5.48 are in the range too, but not plausible
    candidates = [c for c in value_candidates(digits, low, high) if _plausible(c, low, high)]
    if len(candidates) == 1:
        row.value = candidates[0]
        return "ocr_corrected"
    # the decimal mark read as a digit on a photo ("2512" for "2.12" under "< 4.00")
    marks = _mark_candidates(digits, low, high)
    if not candidates and len(marks) == 1:
        row.value = marks[0]
        return "ocr_corrected"
    return "implausible_value"


def _mark_candidates(digits: str, low: float | None, high: float | None) -> list[float]:
    """Plausible numbers made by reading one inner digit of ``digits`` as the decimal mark."""
    if not digits.isdigit() or len(digits) < 3:
        return []
    found = {
        float(f"{digits[:at]}.{digits[at + 1 :]}")
        for at in range(1, len(digits) - 1)
        if _plausible(float(f"{digits[:at]}.{digits[at + 1 :]}"), low, high)
    }
    return sorted(found)


def interpret(
    value: float | None, reference: ReferenceRange | None, written: str | None
) -> Interpretation | None:
    """H/L/N from the written flag, else from the range; ``*`` without a range is abnormal."""
    if value is None:
        return None
    if written in {"H", "↑", "+", "++"}:
        return Interpretation.HIGH
    if written in {"L", "↓", "-", "--"}:
        return Interpretation.LOW
    if reference is not None:
        if reference.high is not None and value > reference.high:
            return Interpretation.HIGH
        if reference.low is not None and value < reference.low:
            return Interpretation.LOW
        if written and written.startswith("*"):
            return Interpretation.ABNORMAL
        return Interpretation.NORMAL
    if written and written.startswith("*"):
        return Interpretation.ABNORMAL
    return None


def parse_lab_report(
    lines: list[Line],
    document_id: str,
    options: ExtractionOptions,
    effective: date | None = None,
) -> list[LabResult]:
    """Every test result of a lab report, current values only, with provenance and flags."""
    limits = _previous_columns(lines)
    tables = _table_columns(lines)
    results: list[LabResult] = []
    for line in lines:
        if is_header_line(line.text) or _SAMPLING.search(line.text) or _BIRTH.search(line.text):
            continue
        text = line.text
        if line.page in limits:
            text = text[: line.cut_before_x(limits[line.page])]
        if find_dates(text):
            continue
        table = tables.get(line.page)
        below = table is not None and line.box is not None and line.box.y > table.header_y
        row = _read_row_by_columns(line, text, table) if table and below else _read_row(text)
        if row is None:
            continue
        match = lookup_lab_test(row.name, options.fuzzy_threshold)
        guessed = False
        if match is None and row.unit and row.range:
            match = guess_test(row.name, row.unit)
            guessed = match is not None
        if match is None and not (row.unit and row.range):
            continue
        if simplify(row.name).startswith(("page", "tel", "fax", "n ")):
            continue
        value_confidence = line.span_confidence(*row.value_span) if row.value_text else 0.0
        start = line.text.find(row.name)
        name_confidence = line.span_confidence(max(start, 0), max(start, 0) + len(row.name))
        if match is None and (
            name_confidence < _UNKNOWN_MIN_CONFIDENCE or _SECTION.search(row.name)
        ):
            continue  # an unreadable name or a section title merged with a row: not a test
        score = match.score / 100 if match else 1.0
        test = match.test if match else None
        restored: list[str] = []
        if test is not None:
            restored = _restore_decimals(row, test)
            if "reference_range" not in restored and _check_range_digits(row, test):
                restored.append("range_digits")
        corrected = "reference_range" in restored or "range_digits" in restored
        if not corrected and row.range is not None and _range_misread(row.range):
            restored.append("range_digits")  # a decimal mark read as a digit, put back
        checked = None if "value" in restored else _check_digits(row)
        unit, unit_reason = snap_unit(row.unit, test.unit if test else None)
        result = LabResult(
            name=row.name,
            normalized_name=test.fr if test else None,
            loinc=test.loinc if test else None,
            value=row.value,
            value_text=row.value_text,
            unit=unit,
            reference_range=row.range,
            interpretation=interpret(row.value, row.range, row.flag),
            effective_date=effective,
            provenance=provenance(document_id, [line], score=score),
        )
        flags = []
        if match is None:
            flags.append(flag("name", "unknown_test", row.name, name_confidence))
        elif guessed:
            flags.append(flag("name", "uncertain_test", match.test.fr, score))
        elif min(score, name_confidence) < options.confidence_threshold:
            flags.append(flag("name", "low_confidence", row.name, min(score, name_confidence)))
        for field_name in restored:
            if field_name == "range_digits":
                written = row.range.text if row.range else None
                flags.append(flag("reference_range", "ocr_corrected", written, 0.5))
                continue
            shown = row.value_text if field_name == "value" else row.range and row.range.text
            flags.append(flag(field_name, "decimal_restored", shown, 0.5))
        if unit_reason is not None:
            flags.append(flag("unit", unit_reason, row.unit, 0.5))
        if checked is not None:
            flags.append(flag("value", checked, row.value_text, min(value_confidence, 0.5)))
        elif row.value is None:
            flags.append(flag("value", "missing", None, 0.0))
        elif value_confidence < options.confidence_threshold:
            flags.append(flag("value", "low_confidence", row.value_text, value_confidence))
        result.needs_confirmation = flags
        results.append(result)
    return results
