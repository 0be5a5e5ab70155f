"""What every answer shares: the user's records, source citations, posology in plain words."""

from __future__ import annotations

import gc
from collections.abc import Callable
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Generic, TypeVar, overload

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
from store.vault import Vault

T = TypeVar("T")


class loaded(Generic[T]):
    """``functools.cached_property`` without its lock.

    Python 3.11's holds one lock per property for every instance while the value is computed:
    a store thread loading one user's records blocked every other thread's ``Facts``. A
    ``Facts`` belongs to one turn, so its values need no lock.
    """

    def __init__(self, compute: Callable[[Any], T]) -> None:
        self._compute = compute
        self._name = compute.__name__
        self.__doc__ = compute.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> loaded[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> T | loaded[T]:
        if instance is None:
            return self
        value = self._compute(instance)
        instance.__dict__[self._name] = value  # found first from now on (no __set__ here)
        return value


class Facts:
    """The confirmed records of one profile and its documents (without pages), loaded lazily.

    Built from a vault (each kind is read on first use, so a question about treatments never
    decrypts ten years of lab results) or from plain lists (pure use, tests).
    """

    def __init__(
        self,
        vault: Vault | None = None,
        *,
        medications: list[Medication] | None = None,
        labs: list[LabResult] | None = None,
        vaccinations: list[Vaccination] | None = None,
        allergies: list[Allergy] | None = None,
        conditions: list[Condition] | None = None,
        documents: list[Document] | None = None,
    ) -> None:
        self._vault = vault
        self._given: dict[str, list[Any] | None] = {
            "medications": medications,
            "labs": labs,
            "vaccinations": vaccinations,
            "allergies": allergies,
            "conditions": conditions,
            "documents": documents,
        }

    def _load(self, name: str, kind: type[Any]) -> list[Any]:
        given = self._given[name]
        if given is None and self._vault is not None:
            # Decrypting ten years of lab results builds tens of thousands of objects: the cyclic
            # GC would scan the growing heap several times over. Collect once afterwards instead.
            paused = gc.isenabled()
            gc.disable()
            try:
                given = self._vault.records(kind)
            finally:
                if paused:
                    gc.enable()
        return [r for r in given or [] if _confirmed(r)]

    @loaded
    def medications(self) -> list[Medication]:
        """Confirmed medications."""
        return self._load("medications", Medication)

    @loaded
    def labs(self) -> list[LabResult]:
        """Confirmed lab results."""
        return self._load("labs", LabResult)

    def labs_for(self, test: str) -> list[LabResult]:
        """Confirmed lab results of one test (canonical key, see ``lab_key``).

        From the full list when it is loaded or given; else the vault builds only that test's
        results (a trend of ten years does not validate every other test's).
        """
        given = self._given["labs"]
        if "labs" in self.__dict__ or given is not None or self._vault is None:
            return [r for r in self.labs if lab_key(r) == test]
        found = self._vault.lab_results(
            lambda name, normalized: _lab_key(normalized, name) == test
        )
        return [r for r in found if _confirmed(r)]

    def latest_labs(self) -> list[LabResult]:
        """Confirmed lab results holding the latest of each test (at least one per name).

        The full list when it is loaded or given; else from the vault, the latest result of
        each distinct name, in load order: the latest per test (``lab_key``) is among them.
        """
        if "labs" in self.__dict__ or self._given["labs"] is not None or self._vault is None:
            return self.labs
        return self._vault.latest_lab_results(RecordStatus.CONFIRMED)

    @loaded
    def vaccinations(self) -> list[Vaccination]:
        """Confirmed vaccinations."""
        return self._load("vaccinations", Vaccination)

    @loaded
    def allergies(self) -> list[Allergy]:
        """Confirmed allergies."""
        return self._load("allergies", Allergy)

    @loaded
    def conditions(self) -> list[Condition]:
        """Confirmed conditions."""
        return self._load("conditions", Condition)

    @loaded
    def documents(self) -> list[Document]:
        """Documents, without their pages."""
        given = self._given["documents"]
        if given is None and self._vault is not None:
            given = self._vault.list_documents(with_pages=False)
        return list(given or [])

    @loaded
    def _docs(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    def document(self, document_id: str | None) -> Document | None:
        """The document with this id, if any."""
        return self._docs.get(document_id) if document_id else None


def _confirmed(record: Any) -> bool:
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
        parts.append(tr(f"posology.times_per.{unit}", times=times_words(posology.frequency, tr)))
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


def times_words(count: int, tr: Translator) -> str:
    """``once``, ``twice``, ``3 times`` (``1 fois``, ``2 fois``…)."""
    return tr(f"posology.times.{count}" if count in (1, 2) else "posology.times.n", n=count)


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


PRESCRIPTION_VALIDITY_DAYS = 365
"""A French prescription is valid at most a year: an open-ended one older than that has lapsed."""


def is_current(med: Medication, today: date) -> bool:
    """Whether a treatment is being taken today.

    Stopped and finished treatments are not; one with an end (or a duration) is until then; an
    open-ended one read from a prescription lapses with the prescription after a year; one the
    user declared stays current until they say they stopped it.
    """
    if med.med_status is not MedicationStatus.ACTIVE:
        return False
    begin = start_of(med)
    if begin is not None and begin > today:
        return False
    end = end_of(med)
    if end is not None:
        return end >= today
    from_document = med.provenance.document_id is not None
    return not (
        from_document and begin is not None and (today - begin).days > PRESCRIPTION_VALIDITY_DAYS
    )


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


def med_keys(med: Medication) -> frozenset[str]:
    """Normalised names a user may use for a medication (name, first word, substances)."""
    return _med_keys(med.name, med.normalized_name, tuple(med.substances))


@lru_cache(maxsize=8192)
def _med_keys(
    name: str, normalized_name: str | None, substances: tuple[str, ...]
) -> frozenset[str]:
    keys = {normalize(name), normalize(name).split(" ")[0]}
    if normalized_name:
        keys.add(normalize(normalized_name))
    keys.update(normalize(s) for s in substances)
    return frozenset(k for k in keys if k)


def lab_key(result: LabResult) -> str:
    """The canonical key of a lab result (``glucose``), else its normalised name."""
    return _lab_key(result.normalized_name, result.name)


@lru_cache(maxsize=4096)
def _lab_key(normalized_name: str | None, name: str) -> str:
    for text in (normalized_name, name):
        if text:
            key = find_lab_test(normalize(text))
            if key:
                return key
    return normalize(normalized_name or name)


def bullet(text: str) -> str:
    """One line of a list."""
    return f"• {text}"
