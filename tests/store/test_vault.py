"""SqlVault round trips: every record kind comes back identical, transactions are atomic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from store import (
    AuditAction,
    DialogueState,
    Document,
    DocumentPage,
    Erased,
    IdConflict,
    LabResult,
    Medication,
    Occurrence,
    OccurrenceAnswer,
    Reminder,
    ReminderKind,
    Store,
    UnknownUser,
    Vaccination,
)
from tests.store.conftest import CHAT_ID, USER, Scenario, fill


def test_every_kind_round_trips(store: Store, scenario: Scenario, now: datetime):
    doc_id = fill(store, USER, scenario)
    with store.vault(USER) as vault:
        assert vault.get_chat_id() == CHAT_ID
        assert vault.get_profile().display_name == scenario.display_name
        meds = {m.name: m for m in vault.records(Medication)}
        assert set(meds) == set(scenario.drugs)
        assert meds[scenario.drugs[0]].provenance.document_id == doc_id
        labs = vault.records(LabResult)
        assert sorted(lab.value for lab in labs) == sorted(scenario.values)
        assert vault.records(Vaccination)[0].date == scenario.vaccine_date
        document = vault.get_document(doc_id)
        assert document is not None
        assert document.pages[0].content == scenario.page_bytes
        assert document == scenario_document_with_id(scenario, doc_id)
        listed = vault.list_documents()
        assert [d.id for d in listed] == [doc_id]
        assert listed[0].pages == []


def scenario_document_with_id(scenario: Scenario, doc_id: str) -> Document:
    return scenario.document().model_copy(update={"id": doc_id})


def test_update_delete_and_get(store: Store):
    med = Medication(name="Amoxicilline 1 g")
    with store.vault(USER) as vault:
        vault.save(med)
    with store.vault(USER) as vault:
        loaded = vault.get(Medication, med.id)
        assert loaded == med
        vault.save(med.model_copy(update={"name": "Amoxicilline 500 mg"}))
        assert [m.name for m in vault.records(Medication)] == ["Amoxicilline 500 mg"]
    with store.vault(USER) as vault:
        assert [m.name for m in vault.records(Medication)] == ["Amoxicilline 500 mg"]
        assert vault.delete(Medication, med.id) is True
        assert vault.delete(Medication, med.id) is False
        assert vault.get(Medication, med.id) is None
    with store.vault(USER) as vault:
        assert vault.records(Medication) == []


def test_exception_inside_vault_leaves_nothing(store: Store, scenario: Scenario):
    document = scenario.document()
    with pytest.raises(RuntimeError), store.vault(USER) as vault:
        vault.add_document(document)
        vault.save_all(scenario.lab_results(document.id))
        raise RuntimeError("crash while storing")
    with store.vault(USER) as vault:
        assert vault.list_documents() == []
        assert vault.records(LabResult) == []


def test_dialogue_profile_audit_and_reminders(store: Store, now: datetime):
    reminder = Reminder(kind=ReminderKind.INTAKE, label="Zorbatrixine matin")
    occurrences = [
        Occurrence(reminder_id=reminder.id, due_at=now + timedelta(hours=h)) for h in range(3)
    ]
    with store.vault(USER) as vault:
        vault.save_dialogue(DialogueState(step="awaiting_confirmation", data={"k": "v"}))
        vault.save_reminder(reminder)
        vault.save_occurrences(occurrences)
        vault.audit(AuditAction.ADDED, "medication", "abc", count=2)
    answered = occurrences[0].model_copy(
        update={"answer": OccurrenceAnswer.TAKEN, "answered_at": now}
    )
    with store.vault(USER) as vault:
        assert vault.get_dialogue().step == "awaiting_confirmation"
        assert vault.list_reminders() == [reminder]
        vault.save_occurrences([answered])
        listed = vault.list_occurrences(since=now, until=now + timedelta(hours=2))
        assert [o.id for o in listed] == [o.id for o in occurrences[:2]]
        assert listed[0].answer is OccurrenceAnswer.TAKEN
        assert listed[0].due_at == now and listed[0].due_at.tzinfo is not None
        (entry,) = vault.audit_log()
        assert (entry.action, entry.record_type, entry.count, entry.at) == (
            AuditAction.ADDED,
            "medication",
            2,
            now,
        )
        vault.delete_reminder(reminder.id)
    with store.vault(USER) as vault:
        assert vault.list_reminders() == []
        assert vault.list_occurrences() == []


def test_profiles_have_their_own_records(store: Store):
    child = store.add_profile(USER, "Léon")
    with store.vault(USER) as vault:
        vault.set_chat_id(CHAT_ID)
        vault.save(Medication(name="Parent drug"))
    with store.vault(USER, child) as vault:
        assert vault.records(Medication) == []
        assert vault.get_chat_id() == CHAT_ID
        vault.save(Medication(name="Child drug"))
    summaries = store.profiles(USER)
    assert [(p.display_name, p.is_default) for p in summaries] == [(None, True), ("Léon", False)]
    with store.vault(USER) as vault:
        assert [m.name for m in vault.records(Medication)] == ["Parent drug"]


def test_unknown_user_and_ids(store: Store):
    assert not store.has_account(USER)
    with pytest.raises(UnknownUser), store.vault(USER, create=False):
        pass
    assert not store.has_account(USER)
    with store.vault(USER) as vault:
        account_id, profile_id = vault.account_id, vault.profile_id
        document = Document(received_at=datetime.now(UTC))
        vault.add_document(document)
        with pytest.raises(IdConflict):
            vault.add_document(document)
    assert store.has_account(USER)
    with store.vault_for_account(account_id, profile_id) as vault:
        assert vault.get_document(document.id, with_pages=False) is not None
    with pytest.raises(UnknownUser), store.vault(USER, "no-such-profile"):
        pass
    assert store.erase_account(USER)
    with pytest.raises((Erased, UnknownUser)), store.vault_for_account(account_id, profile_id):
        pass


def test_document_pages_replaced_only_when_given(store: Store):
    document = Document(
        received_at=datetime.now(UTC),
        pages=[
            DocumentPage(media_type="image/jpeg", content=b"a"),
            DocumentPage(media_type="image/jpeg", content=b"b"),
        ],
    )
    with store.vault(USER) as vault:
        vault.add_document(document)
        vault.update_document(document.model_copy(update={"pages": [], "title": "T"}))
        kept = vault.get_document(document.id)
        assert kept is not None and [p.content for p in kept.pages] == [b"a", b"b"]
        assert kept.title == "T"
        vault.update_document(
            kept.model_copy(update={"pages": [DocumentPage(media_type="image/png", content=b"c")]})
        )
        (listed,) = vault.list_documents(with_pages=True)
        assert [p.content for p in listed.pages] == [b"c"]
