"""Tampering and row swapping are detected: a ciphertext only opens in its own cell."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select, update

from store import LabResult, Medication, Store, TamperDetected
from store.sql.schema import accounts, document_pages, profiles, records
from tests.store.conftest import OTHER, USER, Opener, Scenario, fill


def _payloads(raw: Engine, kind: str) -> list[tuple[str, str, bytes]]:
    with raw.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                select(records.c.profile_id, records.c.id, records.c.payload)
                .where(records.c.kind == kind)
                .order_by(records.c.profile_id, records.c.id)
            )
        ]


def _set_payload(raw: Engine, profile_id: str, kind: str, record_id: str, payload: bytes) -> None:
    with raw.begin() as conn:
        conn.execute(
            update(records)
            .where(
                records.c.profile_id == profile_id,
                records.c.kind == kind,
                records.c.id == record_id,
            )
            .values(payload=payload)
        )


def _load(store: Store, user: int, kind: type[Medication] | type[LabResult]) -> None:
    with store.vault(user) as vault:
        vault.records(kind)


def test_flipped_bit_is_detected(store: Store, scenario: Scenario, raw: Engine, opener: Opener):
    fill(store, USER, scenario)
    profile_id, record_id, payload = _payloads(raw, "medication")[0]
    flipped = payload[:-5] + bytes([payload[-5] ^ 1]) + payload[-4:]
    _set_payload(raw, profile_id, "medication", record_id, flipped)
    reopened = opener()
    with pytest.raises(TamperDetected):
        _load(reopened, USER, Medication)


def test_swapped_rows_are_detected(store: Store, scenario: Scenario, raw: Engine, opener: Opener):
    fill(store, USER, scenario)
    (p1, id1, c1), (p2, id2, c2) = _payloads(raw, "medication")
    _set_payload(raw, p1, "medication", id1, c2)
    _set_payload(raw, p2, "medication", id2, c1)
    reopened = opener()
    with pytest.raises(TamperDetected):
        _load(reopened, USER, Medication)


def test_ciphertext_from_another_kind_is_detected(
    store: Store, scenario: Scenario, raw: Engine, opener: Opener
):
    fill(store, USER, scenario)
    _profile_id, _lab_id, lab_payload = _payloads(raw, "lab")[0]
    med_profile, med_id, _ = _payloads(raw, "medication")[0]
    _set_payload(raw, med_profile, "medication", med_id, lab_payload)
    reopened = opener()
    with pytest.raises(TamperDetected):
        _load(reopened, USER, Medication)


def test_ciphertext_from_another_user_is_detected(
    store: Store, scenario: Scenario, raw: Engine, opener: Opener
):
    fill(store, USER, scenario)
    fill(store, OTHER, scenario)
    with store.vault(USER) as vault:
        mine = vault.profile_id
    theirs = [row for row in _payloads(raw, "medication") if row[0] != mine]
    target = next(row for row in _payloads(raw, "medication") if row[0] == mine)
    _set_payload(raw, mine, "medication", target[1], theirs[0][2])
    reopened = opener()
    with pytest.raises(TamperDetected):
        _load(reopened, USER, Medication)


def test_swapped_chat_ids_pages_and_wrapped_keys_are_detected(
    store: Store, scenario: Scenario, raw: Engine, opener: Opener
):
    fill(store, USER, scenario)
    fill(store, OTHER, scenario)
    with raw.begin() as conn:
        (a, _chat_a), (_b, chat_b) = conn.execute(select(accounts.c.id, accounts.c.chat_id)).all()
        conn.execute(update(accounts).where(accounts.c.id == a).values(chat_id=chat_b))
        pages = conn.execute(select(document_pages.c.profile_id, document_pages.c.content)).all()
        conn.execute(
            update(document_pages)
            .where(document_pages.c.profile_id == pages[0][0])
            .values(content=pages[1][1])
        )
    reopened = opener()
    for user in (USER, OTHER):
        with reopened.vault(user) as vault:
            if vault.account_id == a:
                with pytest.raises(TamperDetected):
                    vault.get_chat_id()
            if vault.profile_id == pages[0][0]:
                (document,) = vault.list_documents()
                with pytest.raises(TamperDetected):
                    vault.get_document(document.id)
    with raw.begin() as conn:
        (p1, _k1), (_p2, k2) = conn.execute(select(profiles.c.id, profiles.c.wrapped_key)).all()
        conn.execute(update(profiles).where(profiles.c.id == p1).values(wrapped_key=k2))
    with pytest.raises(TamperDetected):
        for user in (USER, OTHER):
            with reopened.vault(user):
                pass
