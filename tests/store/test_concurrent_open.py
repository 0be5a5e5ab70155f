"""Several instances starting at the same moment on a fresh PostgreSQL database."""

from __future__ import annotations

import threading

from store import open_store


def test_instances_opening_a_fresh_database_together_all_start(postgres_url, master_key):
    errors: list[BaseException] = []
    stores = []
    barrier = threading.Barrier(4)

    def start() -> None:
        barrier.wait()
        try:
            stores.append(open_store(postgres_url, master_key))
        except BaseException as exc:  # the test reports any failure below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert errors == []
        assert len(stores) == 4
        with stores[0].vault(42) as vault:
            vault.set_chat_id(42)
        with stores[3].vault(42) as vault:
            assert vault.get_chat_id() == 42
    finally:
        for store in stores:
            store.close()
