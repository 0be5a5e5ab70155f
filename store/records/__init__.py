"""The record kernel: pydantic v2 models, standard library only. Extraction may import this."""

from store.records.allergies import Allergy, AllergyKind
from store.records.audit import AuditAction, AuditEntry
from store.records.common import (
    Box,
    ClinicalRecord,
    Coding,
    FieldFlag,
    Model,
    Period,
    Provenance,
    Quantity,
    RecordStatus,
    new_id,
)
from store.records.conditions import Condition
from store.records.dialogue import DialogueState
from store.records.documents import Document, DocumentKind, DocumentPage, DocumentStatus
from store.records.labs import Interpretation, LabResult, ReferenceRange
from store.records.medications import (
    Duration,
    Medication,
    MedicationStatus,
    PeriodUnit,
    Posology,
    TimeOfDay,
)
from store.records.profile import Consent, Language, ReminderPrefs, Sex, UserProfile
from store.records.reminders import Occurrence, OccurrenceAnswer, Reminder, ReminderKind
from store.records.vaccinations import Vaccination

__all__ = [
    "Allergy",
    "AllergyKind",
    "AuditAction",
    "AuditEntry",
    "Box",
    "ClinicalRecord",
    "Coding",
    "Condition",
    "Consent",
    "DialogueState",
    "Document",
    "DocumentKind",
    "DocumentPage",
    "DocumentStatus",
    "Duration",
    "FieldFlag",
    "Interpretation",
    "LabResult",
    "Language",
    "Medication",
    "MedicationStatus",
    "Model",
    "Occurrence",
    "OccurrenceAnswer",
    "Period",
    "PeriodUnit",
    "Posology",
    "Provenance",
    "Quantity",
    "RecordStatus",
    "ReferenceRange",
    "Reminder",
    "ReminderKind",
    "ReminderPrefs",
    "Sex",
    "TimeOfDay",
    "UserProfile",
    "Vaccination",
    "new_id",
]
