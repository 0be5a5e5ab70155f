"""Isolation: any sequence of operations on user A never changes or reveals user B's data."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import count

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import (
    Allergy,
    Document,
    DocumentPage,
    LabResult,
    Medication,
    Store,
    Vaccination,
)
from tests.store.conftest import OTHER, Scenario, fill

_users = count(7_000_000)

names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzé ", min_size=1, max_size=12)
operation = st.one_of(
    st.tuples(st.just("medication"), names),
    st.tuples(st.just("lab"), names),
    st.tuples(st.just("allergy"), names),
    st.tuples(st.just("document"), names),
    st.tuples(st.just("delete_first"), st.sampled_from([Medication, LabResult, Allergy])),
    st.tuples(st.just("profile"), names),
    st.tuples(st.just("chat"), st.integers(min_value=1, max_value=2**40)),
    st.tuples(st.just("child"), names),
    st.tuples(st.just("erase"), st.none()),
    st.tuples(st.just("crash"), names),
)


def _snapshot(store: Store, user: int) -> dict[str, object]:
    with store.vault(user, create=False) as vault:
        return {
            "profile": vault.get_profile(),
            "chat": vault.get_chat_id(),
            "medications": sorted(m.model_dump_json() for m in vault.records(Medication)),
            "labs": sorted(m.model_dump_json() for m in vault.records(LabResult)),
            "vaccinations": sorted(m.model_dump_json() for m in vault.records(Vaccination)),
            "allergies": sorted(m.model_dump_json() for m in vault.records(Allergy)),
            "documents": sorted(
                d.model_dump_json() for d in vault.list_documents(with_pages=True)
            ),
            "profiles": store.profiles(user),
        }


def _apply(store: Store, user: int, op: str, arg: object) -> list[str]:
    """Apply one operation to ``user``; returns every id and name user A can see afterwards."""
    if op == "erase":
        store.erase_account(user)
        return []
    if op == "child":
        store.add_profile(user, str(arg))
        return [p.profile_id for p in store.profiles(user)]
    try:
        with store.vault(user) as vault:
            if op == "medication":
                vault.save(Medication(name=str(arg)))
            elif op == "lab":
                vault.save(LabResult(name=str(arg), value=1.0))
            elif op == "allergy":
                vault.save(Allergy(substance=str(arg)))
            elif op == "document":
                vault.add_document(
                    Document(
                        received_at=datetime(2026, 1, 1, tzinfo=UTC),
                        title=str(arg),
                        pages=[DocumentPage(media_type="text/plain", content=str(arg).encode())],
                    )
                )
            elif op == "delete_first":
                assert isinstance(arg, type)
                existing = vault.records(arg)
                if existing:
                    vault.delete(arg, existing[0].id)
            elif op == "profile":
                vault.save_profile(vault.get_profile().model_copy(update={"display_name": arg}))
            elif op == "chat":
                assert isinstance(arg, int)
                vault.set_chat_id(arg)
            elif op == "crash":
                vault.save(Medication(name=str(arg)))
                raise RuntimeError("crash")
            seen = [r.id for r in vault.records(Medication)]
            seen += [r.id for r in vault.records(LabResult)] + [
                r.id for r in vault.records(Allergy)
            ]
            seen += [d.id for d in vault.list_documents(with_pages=True)]
            seen += [m.name for m in vault.records(Medication)]
            return seen
    except RuntimeError:
        return []


def test_operations_on_one_user_never_touch_another(store: Store, scenario: Scenario):
    fill(store, OTHER, scenario)
    store.add_profile(OTHER, scenario.display_name)
    before = _snapshot(store, OTHER)
    theirs = {
        *(p.profile_id for p in store.profiles(OTHER)),
        *(m.id for m in _records(store)),
        *scenario.drugs,
    }

    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(operation, min_size=1, max_size=8))
    def run(ops: list[tuple[str, object]]) -> None:
        user = next(_users)
        for op, arg in ops:
            seen = _apply(store, user, op, arg)
            assert theirs.isdisjoint(seen)
        assert _snapshot(store, OTHER) == before

    run()


def _records(store: Store) -> list[Medication | LabResult]:
    with store.vault(OTHER) as vault:
        return [*vault.records(Medication), *vault.records(LabResult)]
