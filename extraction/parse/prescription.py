"""Prescriptions: prescriber, date, and each product (name, strength, form) with its posology.

=====================================================  ====================================
written                                                read as
=====================================================  ====================================
``Dr Jean Martin``, ``Docteur Jean MARTIN``, ``Dr X``  prescriber ``Jean Martin``
``Lyon, le 3 mars 2026``, ``Date: March 3, 2026``      document date (birth dates skipped)
``DOLIPRANE 1000 mg comprimé`` / ``1 cp matin et s.``  product, posology on the next lines
``1. Doliprane 1000 mg, comprimé : 1 cp x3/j``         product and posology on one line
``Amoxicillin 500 mg capsules - 1 capsule TID``        English, `` - `` separator
``Sig: 1 tablet twice daily`` / ``Refills: 2``         English posology and renewal lines
``À renouveler 2 fois`` (indented, under a product)     that product's renewals
``Ordonnance à renouveler 3 fois`` (after products)    renewals of every product
``Amoxicilline/Acide clavulanique 1 g/125 mg``         combination, both substances
=====================================================  ====================================

A product is a line starting with a known drug name (BDPM brand or substance, fuzzy-corrected
above the threshold), or an unknown name followed by a strength or a posology; unknown names are
kept as written and flagged ``unknown_drug``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from extraction.options import ExtractionOptions
from extraction.parse.confusions import check_strength
from extraction.parse.dates import find_dates
from extraction.parse.lines import Line, flag, provenance
from extraction.parse.patterns.false_positives import is_header_line
from extraction.parse.patterns.normalize import simplify
from extraction.parse.posology import read_posology
from extraction.reference.drugs import DrugMatch, lookup_drug
from store.records import Coding, FieldFlag, Medication

STRENGTH = re.compile(
    r"(?<![\w,.])\d+(?:[.,]\d+)?(?:\s\d{3})*(?:\s*/\s*\d+(?:[.,]\d+)?)?\s*"
    r"(?:mg|g|µg|pg|ug|ig|mcg|microgrammes?|milligrammes?|UI|IU|U\.I\.|%|mL|ml|mmol|M\s?UI)"
    r"(?:\s*/\s*(?:\d+(?:[.,]\d+)?\s*)?(?:mg|g|µg|mL|ml|dose|UI|h|24\s?h))?(?![\w])",
    re.IGNORECASE,
)
FORM_WORDS = re.compile(
    r"\b(?:comprim|g[ée]lule|poudre|solution|suspension|cr[èe]me|pommade|sachet|capsule|tablet|"
    r"inhal|lyophilisat|collyre|sirop|suppositoire|gel\b|spray|patch|injectable|ampoule|"
    r"granul|dispositif|pulv[ée]risation|[ée]mulsion|ovule|liquid|oral|syrup|cream|ointment|"
    r"drops|gouttes|seringue|stylo|pen\b|caps\b|tabs\b)",
    re.IGNORECASE,
)
_NUMBERING = re.compile(r"^\s*(?:\d{1,2}\s*[.)°-]|[-•*·>])\s*")
_PRESCRIBER = re.compile(
    r"^(?:signed\s*:?\s*|sign[ée]\s*:?\s*|prescripteur\s*:?\s*)?"
    r"(?:Dr\.?|Docteur|Doctor|Pr\.?|Professeur)\s+(?P<name>[A-Za-zÀ-ÿ][A-Za-zÀ-ÿ'. -]+)",
    re.IGNORECASE,
)
_BIRTH = re.compile(r"\bn[ée]+\s*\(?e?\)?\s+le\b|\bnaissance\b|\bdob\b|\bborn\b|\bbirth\b", re.I)
_SPLIT = re.compile(r"\s+:\s+|\s*:\s+(?=\d|une?\b|take\b|prendre\b)|\s+-\s+|\s+–\s+")
#: A name matched this well needs no strength or form to be taken for a product.
_SURE_SCORE = 97.0
_BARE_NUMBER = re.compile(r"\s\d+(?:[.,]\d+)?\s*$")
_SCHEDULE_START = re.compile(
    r"^(?:le |la |au |the |at |in the )?(?:matin|midi|soir|coucher|morning|evening|night|bedtime)"
    r"\b|^(?:x\s?\d|\d\s?x\s?/|\d+\s*fois\b|\d+/j\b|si besoin|si douleur|toutes les|"
    r"tous les|pendant|once|twice|daily|every|prn\b)",
    re.IGNORECASE,
)
_SIG = re.compile(r"^\s*(?:sig|posologie|dosage|directions?)\s*[:.]\s*", re.IGNORECASE)
_GLOBAL_RENEWAL = re.compile(
    r"^\s*(?:ordonnance\s+(?:a|à)\s+renouveler|renouvellement\s*:|ordonnance\s+renouvelable)",
    re.IGNORECASE,
)
_RENEWAL_ONLY = re.compile(
    r"^\s*(?:(?:a|à) renouveler|renouvelable|ar|refills?\s*:?)\s*(?:x\s*)?\d+\s*(?:fois|times)?"
    r"\s*\.?\s*$",
    re.IGNORECASE,
)
_STOP = re.compile(
    r"^\s*(?:signature|signed|sign[ée]|cachet|dr\.?\s|docteur\s|prescriptions?\s|"
    r"ordonnance\s|page\s+\d|patient\s*:|date\s*:)",
    re.IGNORECASE,
)
_POSOLOGY_START = re.compile(
    r"^\s*(?:take\s+|prendre\s+|sig\s*:)?(?:\d+(?:[.,/]\d+)?|[½¼¾]|une?|one|two|deux|trois|"
    r"three)\s*(?:(?:a|à|-|ou|to|or)\s*\d+\s*)?(?:comprim|cp|cpr|g[ée]l|sachet|bouff|inhal|pulv|"
    r"applic|inject|ampoule|goutte|lyoph|tablet|capsule|puff|drop|dose|suppo|patch|spray|unit)",
    re.IGNORECASE,
)


@dataclass
class _Item:
    """A product being assembled from its lines."""

    name: str
    strength: str | None
    form: str | None
    match: DrugMatch | None
    lines: list[Line]
    name_line: Line
    posology_parts: list[str] = field(default_factory=list)
    posology_lines: list[Line] = field(default_factory=list)


def find_prescriber(lines: list[Line]) -> str | None:
    """The prescriber's name from the first ``Dr …`` / ``Docteur …`` line."""
    for line in lines:
        match = _PRESCRIBER.search(line.text)
        if match:
            name = re.split(r",|\s{2,}|\s+-\s+|\bMD\b|\(", match.group("name"))[0]
            name = " ".join(
                w.capitalize() if w.isupper() and len(w) > 1 else w for w in name.split()
            )
            if name and len(name) >= 3:
                return name.strip(" .")
    return None


def find_document_date(lines: list[Line]) -> date | None:
    """The document's date: the first full date not on a birth-date line."""
    preferred: list[date] = []
    others: list[date] = []
    for line in lines:
        if _BIRTH.search(line.text):
            continue
        found = find_dates(line.text)
        if not found:
            continue
        words = simplify(line.text)
        target = preferred if re.search(r"\ble\b|\bdate\b|\bfait\b|\bdated\b", words) else others
        target.append(found[0][0])
    candidates = preferred or others
    return candidates[0] if candidates else None


def find_signed_date(lines: list[Line]) -> date | None:
    """The date a document was signed (``Fait à Lyon, le …``, ``Date: …``), else None."""
    for line in lines:
        if _BIRTH.search(line.text):
            continue
        if re.search(r"\bfait\b|\bdate\s*:|^\s*le\s|,\s*le\s|\bdated\b", line.text, re.I):
            found = find_dates(line.text)
            if found:
                return found[0][0]
    return None


def _known_name(head: str, threshold: float) -> bool:
    """Whether ``head`` (maybe ending with a bare strength, ``Kardegic 75``) is a drug name."""
    name = _BARE_NUMBER.sub("", head).strip(" ,;:-")
    if not name or not re.match(r"[A-Za-zÀ-ÿ]", name):
        return False
    match = lookup_drug(name, threshold)
    return (
        match is not None
        and match.score >= _SURE_SCORE
        and match.matched_words >= len(name.split()) - 1
    )


def _split_product(text: str, threshold: float) -> tuple[str, str]:
    """Split ``name strength form : posology`` into the product part and the posology part."""
    body = _NUMBERING.sub("", text, count=1)
    parts = _SPLIT.split(body, maxsplit=1)
    if len(parts) == 2 and parts[1].strip():
        return parts[0].strip(), parts[1].strip()
    # no separator ("NAME 10 mg 1 cp le soir", "doliprane 1 cp matin et soir"): cut where the
    # posology starts, after a strength or a known name
    for match in re.finditer(r"\s(?=\S)", body):
        rest = body[match.end() :]
        if not (_POSOLOGY_START.match(rest) or _SCHEDULE_START.match(rest)):
            continue
        head = body[: match.start()].strip(" ,;")
        if STRENGTH.search(head) or _known_name(head, threshold):
            return head, rest.strip()
    return body.strip(), ""


def _parse_product(
    product: str, threshold: float
) -> tuple[str, str | None, str | None, DrugMatch | None]:
    """(name as written, strength, form, match) of a product text."""
    strength_match = STRENGTH.search(product)
    if strength_match:
        name = product[: strength_match.start()].strip(" ,;-")
        strength = re.sub(r"\s+", " ", strength_match.group(0)).strip()
        # no drug is dosed in picograms: "pg", "ug", "ig" are OCR readings of "µg"
        strength = re.sub(r"(?<=[\d\s/])[pui]g\b", "µg", strength)
        rest = product[strength_match.end() :].strip(" ,;.-")
    else:
        form_match = FORM_WORDS.search(product)
        cut = form_match.start() if form_match and form_match.start() > 0 else len(product)
        name = product[:cut].strip(" ,;-")
        strength = None
        rest = product[cut:].strip(" ,;.-")
        bare = _BARE_NUMBER.search(name)
        if bare and bare.start() > 0:  # "Kardegic 75": a strength without its unit
            strength = bare.group(0).strip()
            name = name[: bare.start()].strip(" ,;-")
    form = rest if rest and FORM_WORDS.search(rest) else None
    if form:
        form = re.split(r"\s+(?:x\s*\d|n°|qsp|\()", form, maxsplit=1, flags=re.IGNORECASE)[0]
        form = form.strip(" ,;.")
    match = lookup_drug(name, threshold) if name else None
    if match is None and name and strength is None and form is None:
        match = lookup_drug(product, threshold)
    return name, strength, form or None, match


def _is_product_line(line: Line, threshold: float) -> tuple[str, str] | None:
    """(product part, posology part) when the line names a product, else None."""
    if is_header_line(line.text) or _SIG.match(line.text) or _POSOLOGY_START.match(line.text):
        return None
    if _STOP.match(line.text) or _PRESCRIBER.match(line.text):
        return None
    product, posology = _split_product(line.text, threshold)
    if not product or len(product) < 3 or not re.match(r"[A-Za-zÀ-ÿ]", product):
        return None
    name, strength, form, match = _parse_product(product, threshold)
    if not name or len(name.split()) > 6:
        return None
    covered = match is not None and match.matched_words >= len(name.split()) - 2
    if match is not None and covered and (strength or form):
        return product, posology
    if (
        match is not None
        and match.score >= _SURE_SCORE  # a fuzzy match alone ("Cuire" ~ cuivre) is not enough
        and match.matched_words >= len(name.split()) - 2
        # a lower-case word alone ("levure") is a product only when a dose follows it
        and (name[:1].isupper() or bool(_POSOLOGY_START.match(posology)))
    ):
        return product, posology
    if strength and (form or posology) and len(name.split()) <= 4:
        return product, posology
    return None


def _is_global(line: Line, item: _Item, previous: Line | None) -> bool:
    """Whether a lone renewal line applies to the whole prescription rather than one product.

    Under a product it is indented (block layout) or follows closely (a wrapped numbered line);
    a global renewal starts at the margin after a wider gap.
    """
    box, name_box = line.box, item.name_line.box
    if box is None or name_box is None:
        return False
    if box.x > name_box.x + max(4, box.height // 3):
        return False
    prev_box = previous.box if previous is not None else None
    if prev_box is None:
        return True
    gap = box.y - (prev_box.y + prev_box.height)
    return gap > 0.9 * max(box.height, prev_box.height)


def _field_flags(
    item: _Item, options: ExtractionOptions, medication: Medication
) -> list[FieldFlag]:
    flags: list[FieldFlag] = []
    threshold = options.confidence_threshold
    line = item.name_line
    start = max(line.text.find(item.name), 0)
    name_conf = line.span_confidence(start, start + len(item.name))
    if item.match is None:
        flags.append(flag("name", "unknown_drug", item.name, name_conf))
    elif not item.match.exact:
        score = item.match.score / 100
        if min(score, name_conf) < threshold:
            flags.append(flag("name", "low_confidence", item.name, min(score, name_conf)))
    elif name_conf < threshold:
        flags.append(flag("name", "low_confidence", item.name, name_conf))
    if item.strength:
        at = max(line.text.find(item.strength), 0)
        strength_conf = line.span_confidence(at, at + len(item.strength))
        checked, reason = check_strength(item.strength, item.match.strengths if item.match else [])
        if reason is not None:
            medication.strength = checked
            flags.append(flag("strength", reason, item.strength, min(strength_conf, 0.5)))
        elif strength_conf < threshold:
            flags.append(flag("strength", "low_confidence", item.strength, strength_conf))
    return flags


def _posology_flags(
    item: _Item,
    text: str,
    spans: dict[str, tuple[int, int]],
    medication: Medication,
    threshold: float,
) -> list[FieldFlag]:
    """Flag posology fields whose words were read with low confidence."""
    flags: list[FieldFlag] = []
    starts: list[tuple[int, Line, int]] = []
    cursor = 0
    for line, part in zip(item.posology_lines, item.posology_parts, strict=False):
        index = text.find(part, cursor)
        if index < 0:
            continue
        starts.append((index, line, line.text.find(part)))
        cursor = index + len(part)
    for name, (start, end) in spans.items():
        confidence = 1.0
        for offset, line, in_line in starts:
            if in_line < 0:
                continue
            lo, hi = start - offset + in_line, end - offset + in_line
            if hi > in_line and lo < in_line + len(line.text):
                confidence = min(confidence, line.span_confidence(max(lo, 0), hi))
        if confidence < threshold:
            value = getattr(medication.posology, name, None)
            flags.append(flag(f"posology.{name}", "low_confidence", value, confidence))
    return flags


def _medication(
    item: _Item,
    document_id: str,
    options: ExtractionOptions,
    authored_on: date | None,
    prescriber: str | None,
) -> Medication:
    text = " ".join(p.strip() for p in item.posology_parts if p.strip())
    reading = read_posology(text)
    match = item.match
    codings: list[Coding] = []
    if match and match.atc:
        codings.append(Coding(system="ATC", code=match.atc, display=match.name))
    score = match.score / 100 if match else 1.0
    medication = Medication(
        name=item.name,
        normalized_name=match.name if match else None,
        substances=list(match.substances) if match else [],
        strength=item.strength,
        form=item.form,
        codings=codings,
        posology=reading.posology,
        prescriber=prescriber,
        authored_on=authored_on,
        provenance=provenance(document_id, item.lines, score=score),
    )
    flags = _field_flags(item, options, medication)
    flags += _posology_flags(item, text, reading.spans, medication, options.confidence_threshold)
    medication.needs_confirmation = flags
    return medication


def parse_prescription(
    lines: list[Line],
    document_id: str,
    options: ExtractionOptions,
    authored_on: date | None = None,
    prescriber: str | None = None,
) -> list[Medication]:
    """Every product of a prescription with its posology, renewals and provenance."""
    threshold = options.fuzzy_threshold
    items: list[_Item] = []
    current: _Item | None = None
    global_renewal: int | None = None
    previous: Line | None = None
    for line in lines:
        text = line.text
        last, previous = previous, line
        if _GLOBAL_RENEWAL.match(text):
            renewals = read_posology(text).posology.renewals
            global_renewal = renewals if renewals is not None else global_renewal
            current = None
            continue
        split = _is_product_line(line, threshold)
        if split is not None:
            product, posology = split
            name, strength, form, match = _parse_product(product, threshold)
            current = _Item(name, strength, form, match, [line], line)
            if posology:
                current.posology_parts.append(posology)
                current.posology_lines.append(line)
            items.append(current)
            continue
        if current is None:
            continue
        if _STOP.match(text) or is_header_line(text):
            current = None
            continue
        if (
            _RENEWAL_ONLY.match(text)
            and not re.match(r"^\s*refill", text, re.IGNORECASE)
            and _is_global(line, current, last)
        ):
            global_renewal = read_posology(text).posology.renewals
            current = None
            continue
        part = _SIG.sub("", text)
        current.posology_parts.append(part)
        current.posology_lines.append(line)
        current.lines.append(line)
    medications = [
        _medication(item, document_id, options, authored_on, prescriber) for item in items
    ]
    if global_renewal is not None:
        for medication in medications:
            if medication.posology.renewals is None:
                medication.posology.renewals = global_renewal
    return medications
