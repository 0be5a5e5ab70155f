"""Vaccination records and certificates: vaccine brand, date, lot number.

===================================================  =========================================
written                                              read as
===================================================  =========================================
``Infanrix Hexa  12/03/2015  AB1234  Dr Martin``     table row: brand, date, lot (after date)
``- Gardasil 9, le 3 mars 2020, lot n° AB1234``      certificate line
``- Shingrix on 3 March 2024, batch X12345``         English certificate line
``Vaxigrip Tetra - Lot : U1234 - 15/10/2025``        lot by keyword, anywhere on the line
===================================================  =========================================

Brands are matched to the vaccine reference (diseases covered, ATC); OCR errors are corrected
above the fuzzy threshold. A dose without a date is kept and flagged ``missing``.
"""

from __future__ import annotations

import re

from extraction.options import ExtractionOptions
from extraction.parse.dates import find_dates
from extraction.parse.lines import Line, flag, provenance
from extraction.reference.vaccines import lookup_vaccine
from store.records import Coding, Vaccination

_BULLET = re.compile(r"^\s*(?:[-•*·]|\d{1,2}[.)])\s*")
_LOT = re.compile(
    r"\b(?:lot|batch|n°\s*de\s*lot|lot\s*number)\s*(?:n°|no\.?|number|#)?\s*[:.]?\s*"
    r"(?P<lot>[A-Z0-9][A-Z0-9-]{2,14})\b",
    re.IGNORECASE,
)
_LOT_TOKEN = re.compile(r"^(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9-]{4,12}$|^\d{5,10}$")
_NOT_LOT = re.compile(r"^(?:DR|RPPS|COVID-19|COVID|H1N1)$", re.IGNORECASE)


def _lot(text: str, after: int, before: int) -> tuple[str | None, tuple[int, int] | None]:
    """The lot: by keyword, else the first lot-like token after the date, else inside it."""
    keyword = _LOT.search(text)
    if keyword:
        return keyword.group("lot"), keyword.span("lot")
    for lo, hi in ((after, len(text)), (before, after)):
        for match in re.finditer(r"\S+", text[lo:hi]):
            token = match.group(0).strip(",;.()|[]{}!")
            if _LOT_TOKEN.match(token) and not _NOT_LOT.match(token):
                start = lo + match.start() + match.group(0).find(token)
                return token, (start, start + len(token))
    return None, None


def parse_vaccinations(
    lines: list[Line], document_id: str, options: ExtractionOptions, keep_unknown: bool = False
) -> list[Vaccination]:
    """Every vaccine dose written on a record page or a certificate.

    With ``keep_unknown`` (the document is known to be a vaccination record), a row with a
    name, a date and a lot whose name matches no known vaccine is kept as read and flagged
    ``unknown_vaccine``.
    """
    found: list[Vaccination] = []
    for line in lines:
        body = _BULLET.sub("", line.text, count=1)
        offset = len(line.text) - len(body)
        dates = find_dates(body)
        head_end = dates[0][1][0] if dates else len(body)
        head = re.split(r",|\s+(?:le|on|du|lot|batch)\s+|\s+-\s+", body[:head_end])[0].strip()
        if not head or not re.match(r"[A-Za-zÀ-ÿ]", head):
            continue
        match = lookup_vaccine(head, options.fuzzy_threshold)
        if match is not None and match.matched_words < len(head.split()) - 2:
            match = None
        day = dates[0][0] if dates else None
        after = dates[0][1][1] if dates else len(head)
        lot, lot_span = _lot(body, after, head_end)
        if match is None and not (
            keep_unknown
            and day is not None
            and lot is not None
            and len(re.sub(r"[^A-Za-zÀ-ÿ]", "", head)) >= 4
            and len(head.split()) <= 4
        ):
            continue
        name_conf = line.span_confidence(offset, offset + len(head))
        score = match.score / 100 if match else 1.0
        codings = (
            [Coding(system="ATC", code=match.atc, display=match.name)]
            if match and match.atc
            else []
        )
        vaccination = Vaccination(
            product=head,
            normalized_name=match.name if match else None,
            diseases=list(match.diseases) if match else [],
            codings=codings,
            date=day,
            lot_number=lot,
            provenance=provenance(document_id, [line], score=score),
        )
        flags = []
        threshold = options.confidence_threshold
        if match is None:
            flags.append(flag("product", "unknown_vaccine", head, name_conf))
        elif min(name_conf, score) < threshold:
            flags.append(flag("product", "low_confidence", head, min(name_conf, score)))
        if day is None:
            flags.append(flag("date", "missing", None, 0.0))
        else:
            start, end = dates[0][1]
            confidence = line.span_confidence(offset + start, offset + end)
            if confidence < threshold:
                flags.append(flag("date", "low_confidence", day.isoformat(), confidence))
        if lot and lot_span:
            confidence = line.span_confidence(offset + lot_span[0], offset + lot_span[1])
            if confidence < threshold:
                flags.append(flag("lot_number", "low_confidence", lot, confidence))
        vaccination.needs_confirmation = flags
        found.append(vaccination)
    return found
