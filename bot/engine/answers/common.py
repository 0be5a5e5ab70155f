"""What every answer shares: the user's records, source citations, posology in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.engine.nlu import find_lab_test, normalize
from bot.i18n import Translator
from store.records import (
    Allergy,
    ClinicalRecord,
    Condition,
    Document,
    LabResult,
    Medication,
    MedicationStatus,
    Posology,
    RecordStatus,
    Vaccination,
)


@dataclass
class Facts:
    """The confirmed records of one profile, and its documents (without their pages)."""

    medications: list[Medication] = field(default_factory=list)
    labs: list[LabResult] = field(default_factory=list)
    vaccinations: list[Vaccination] = field(default_factory=list)
    allergies: list[Allergy] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.medications = [m for m in self.medications if _confirmed(m)]
        self.labs = [r for r in self.labs if _confirmed(r)]
        self.vaccinations = [v for v in self.vaccinations if _confirmed(v)]
        self.allergies = [a for a in self.allergies if _confirmed(a)]
        self.conditions = [c for c in self.conditions if _confirmed(c)]
        self._docs = {d.id: d for d in self.documents}

    def document(self, document_id: str | None) -> Document | None:
        """The document with this id, if any."""
        return self._docs.get(document_id) if document_id else None


def _confirmed(record: ClinicalRecord) -> bool:
    return record.status is RecordStatus.CONFIRMED


def cite(record: ClinicalRecord, facts: Facts, tr: Translator) -> str:
    """``ordonnance du 3 mars 2026`` or ``dit par vous le 10 mars 2026``."""
    document = facts.document(record.provenance.document_id)
    if document is not None:
        when = document.document_date or document.received_at.date()
        return tr("source.document", kind=tr(f"kind.{document.kind.value}"), date=tr.date(when))
    said = record.recorded_at.date() if record.recorded_at else None
    return tr("source.said", date=tr.date(said))


def quantity_words(value: float, unit: str | None, tr: Translator) -> str:
    """``2 comprimés``, ``1 cuillère``, ``500 mg``."""
    number = tr.number(value)
    if not unit:
        return number
    key = f"unit.{normalize(unit).rstrip('s')}"
    if tr.has(key + ".one"):
        return f"{number} {tr(key + ('.one' if value <= 1 else '.many'))}"
    return f"{number} {unit}"


def posology_words(posology: Posology, tr: Translator) -> str:
    """A posology in plain words, built from its fields (the printed text as a fallback)."""
    parts: list[str] = []
    if posology.dose is not None:
        parts.append(quantity_words(posology.dose.value, posology.dose.unit, tr))
    if posology.when:
        names = [tr(f"when.{w.value}") for w in posology.when]
        parts.append(
            tr("posology.join", first=", ".join(names[:-1]), last=names[-1])
            if len(names) > 1
            else names[0]
        )
    elif posology.interval_hours:
        parts.append(tr("posology.every_hours", hours=tr.number(posology.interval_hours)))
    elif posology.frequency:
        unit = posology.period_unit.value if posology.period_unit else "d"
        parts.append(tr(f"posology.times_per.{unit}", n=posology.frequency))
    if posology.as_needed:
        parts.append(tr("posology.as_needed"))
    if posology.duration is not None:
        parts.append(
            tr(
                "posology.during",
                what=duration_words(posology.duration.value, posology.duration.unit.value, tr),
            )
        )
    if posology.max_per_day is not None:
        parts.append(
            tr(
                "posology.max_per_day",
                what=quantity_words(posology.max_per_day.value, posology.max_per_day.unit, tr),
            )
        )
    if not parts and posology.text:
        return posology.text
    return ", ".join(parts) if parts else tr("posology.unknown")


def duration_words(value: float, unit: str, tr: Translator) -> str:
    """``7 jours``, ``3 mois``."""
    key = f"duration.{unit}." + ("one" if value <= 1 else "many")
    return f"{tr.number(value)} {tr(key)}"


def start_of(med: Medication) -> date | None:
    """When a treatment started (start date, else prescription date)."""
    return med.start_date or med.authored_on


def end_of(med: Medication) -> date | None:
    """When a treatment ends or ended: its end date, else start plus the written duration."""
    if med.end_date is not None:
        return med.end_date
    begin = start_of(med)
    duration = med.posology.duration
    if begin is not None and duration is not None:
        return begin + timedelta(days=max(duration.days - 1, 0))
    return None


def is_current(med: Medication, today: date) -> bool:
    """Whether a treatment is being taken today."""
    if med.med_status is not MedicationStatus.ACTIVE:
        return False
    begin = start_of(med)
    if begin is not None and begin > today:
        return False
    end = end_of(med)
    return end is None or end >= today


def overlaps(med: Medication, start: date, end: date, today: date) -> bool:
    """Whether a treatment was taken at some point between ``start`` and ``end``."""
    begin = start_of(med)
    if begin is None:
        return False
    finish = end_of(med) or (today if med.med_status is MedicationStatus.ACTIVE else begin)
    return begin <= end and finish >= start


def med_label(med: Medication) -> str:
    """Name and strength as printed."""
    if med.strength and med.strength not in med.name:
        return f"{med.name} {med.strength}"
    return med.name


def med_keys(med: Medication) -> set[str]:
    """Normalised names a user may use for a medication (name, first word, substances)."""
    keys = {normalize(med.name), normalize(med.name).split(" ")[0]}
    if med.normalized_name:
        keys.add(normalize(med.normalized_name))
    keys.update(normalize(s) for s in med.substances)
    return {k for k in keys if k}


def lab_key(result: LabResult) -> str:
    """The canonical key of a lab result (``glucose``), else its normalised name."""
    for name in (result.normalized_name, result.name):
        if name:
            key = find_lab_test(normalize(name))
            if key:
                return key
    return normalize(result.normalized_name or result.name)


def bullet(text: str) -> str:
    """One line of a list."""
    return f"• {text}"
