"""Waking streams: a per-process hub, PostgreSQL LISTEN/NOTIFY, and the end of the server.

Every stream polls the store every `POLL_SECONDS`, so an object written by any process (the
TAXII POST, `liaison import`, another server) reaches it within a second whatever else happens.
The hub only makes that sooner: `wake(collection_id)` stops the waits of that collection's
streams early. On PostgreSQL, `listen` holds one psycopg connection per server process on
channel `liaison_objects` (payload: the collection id), so a NOTIFY sent in a write transaction
wakes every process's streams when that transaction commits. (LISTEN needs a connection of its
own that stays open outside any transaction, so it is the one use of psycopg below SQLAlchemy.)

Uvicorn waits for open responses to finish before it runs the lifespan's shutdown, and an event
stream never finishes by itself; `closing_on_exit_signals` therefore chains the server's SIGINT
and SIGTERM handlers so that the first exit signal closes the hub, which ends every stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
from collections.abc import Iterator
from types import FrameType

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from liaison.store.objects import NOTIFY_CHANNEL

CHANNEL = NOTIFY_CHANNEL
POLL_SECONDS = 0.5
RECONNECT_SECONDS = 2.0
_EXIT_SIGNALS = (signal.SIGINT, signal.SIGTERM)

log = logging.getLogger("liaison.streams")


class Hub:
    """The streams of one server process, waiting per collection; made on the event loop."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._waiting: dict[str, set[asyncio.Event]] = {}
        self._closed = False

    @property
    def closed(self) -> bool:
        """True once the server is shutting down: every stream ends."""
        return self._closed

    @contextlib.contextmanager
    def subscription(self, collection_id: str) -> Iterator[asyncio.Event]:
        """An event set whenever `collection_id` may have new objects (or the hub closes)."""
        event = asyncio.Event()
        self._waiting.setdefault(collection_id, set()).add(event)
        try:
            yield event
        finally:
            waiting = self._waiting[collection_id]
            waiting.discard(event)
            if not waiting:
                del self._waiting[collection_id]

    def wake(self, collection_id: str) -> None:
        """Wake the streams of `collection_id` (call on the hub's event loop)."""
        for event in self._waiting.get(collection_id, ()):
            event.set()

    def wake_threadsafe(self, collection_id: str) -> None:
        """`wake` from any thread, such as a threadpool thread that has just committed."""
        self._loop.call_soon_threadsafe(self.wake, collection_id)

    def close_threadsafe(self) -> None:
        """`close` from a signal handler or another thread (nothing once the loop has ended)."""
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(self.close)

    def close(self) -> None:
        """End every stream: each sees `closed` when its wait returns, at once."""
        self._closed = True
        for waiting in self._waiting.values():
            for event in waiting:
                event.set()


async def wait_for_news(event: asyncio.Event, timeout: float = POLL_SECONDS) -> None:
    """Wait until `event` is set or `timeout` seconds pass, then clear it for the next wait."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout)
    event.clear()


def libpq_url(sqlalchemy_url: str) -> str:
    """The libpq connection URL of a `postgresql+psycopg://` SQLAlchemy URL."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def listen(sqlalchemy_url: str, hub: Hub) -> None:
    """Wake `hub` on every NOTIFY on `CHANNEL`, reconnecting until cancelled.

    A lost connection only delays wake-ups to the polling interval; it is logged and retried.
    """
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                libpq_url(sqlalchemy_url), autocommit=True
            ) as connection:
                await connection.execute(sql.SQL("LISTEN {}").format(sql.Identifier(CHANNEL)))
                async for notice in connection.notifies():
                    hub.wake(notice.payload)
        except psycopg.Error as exc:
            log.warning("stream notifications paused (%s); retrying", exc)
        await asyncio.sleep(RECONNECT_SECONDS)


@contextlib.contextmanager
def closing_on_exit_signals(hub: Hub) -> Iterator[None]:
    """Close `hub` on SIGINT/SIGTERM, then hand the signal to the handler installed before.

    Only handlers a server installed (callables) are chained, only in the main thread (where
    uvicorn runs its loop); the previous handlers are back in place when the block ends.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _EXIT_SIGNALS}

    def on_exit(sig: int, frame: FrameType | None) -> None:
        hub.close_threadsafe()
        handler = previous[signal.Signals(sig)]
        if callable(handler):
            handler(sig, frame)

    chained = [sig for sig, handler in previous.items() if callable(handler)]
    for sig in chained:
        signal.signal(sig, on_exit)
    try:
        yield
    finally:
        for sig in chained:
            if signal.getsignal(sig) is on_exit:
                signal.signal(sig, previous[sig])
