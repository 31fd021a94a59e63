"""The hub, and PostgreSQL NOTIFY on `liaison_objects` waking it through `listen`."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from liaison.store.database import Database
from liaison.streams.notify import CHANNEL, Hub, libpq_url, listen, wait_for_news
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES


def test_wake_and_close_reach_only_their_streams() -> None:
    """A wake reaches the streams of its collection; close reaches every stream."""

    async def scenario() -> None:
        hub = Hub()
        with hub.subscription("a") as a, hub.subscription("b") as b:
            hub.wake_threadsafe("a")
            await asyncio.wait_for(wait_for_news(a, timeout=5), 1)
            assert not b.is_set()
            hub.close()
            assert hub.closed and b.is_set()
        assert not hub._waiting

    asyncio.run(scenario())


def test_libpq_url_drops_the_driver_name() -> None:
    """psycopg gets a plain postgresql:// URL with the same options."""
    url = "postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dx"
    assert libpq_url(url) == "postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dx"


@pytest.mark.postgres
@pytest.mark.skipif(not (POSTGRES_URL or REQUIRE_POSTGRES), reason="no PostgreSQL configured")
def test_notify_in_a_committed_transaction_wakes_the_collection() -> None:
    """pg_notify(liaison_objects, id) from another connection wakes that collection's streams."""
    assert POSTGRES_URL, "LIAISON_REQUIRE_POSTGRES=1 but LIAISON_TEST_POSTGRES_URL is not set"
    db = Database(POSTGRES_URL)

    async def scenario() -> bool:
        hub = Hub()
        with hub.subscription("collection-1") as news:
            listener = asyncio.create_task(listen(POSTGRES_URL, hub))
            try:
                for _ in range(50):  # a notice sent before LISTEN is in place is not delivered
                    await asyncio.to_thread(_notify, db, "collection-1")
                    try:
                        await asyncio.wait_for(news.wait(), 0.1)
                        return True
                    except TimeoutError:
                        continue
                return False
            finally:
                listener.cancel()
                await asyncio.gather(listener, return_exceptions=True)

    try:
        assert asyncio.run(scenario())
    finally:
        db.dispose()


def _notify(db: Database, collection_id: str) -> None:
    with db.session() as session:
        session.execute(select(func.pg_notify(CHANNEL, collection_id)))
