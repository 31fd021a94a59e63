"""`liaison sync --watch`: pull as soon as a peer's event stream says something was added.

Per peer, one puller task owns a TAXII client and runs every pull in a worker thread (the pull
code of `liaison.federation.sync`, page by page, one transaction per page). Per peer collection,
one stream task holds `GET {peer}/api/v1/streams/{collection}` open; the stream is only a wake-up
signal (its bodies are unsigned), so each event marks the collection for a pull. Marks made
while a pull runs coalesce into one more pull. A full pull of every collection also runs every
`interval` seconds, streams up or not, and lists the peer's collections again (new ones get a
stream). A stream that drops or cannot connect triggers a pull and is retried with backoff; the
periodic pull covers the gap. SIGINT or SIGTERM ends the watch after the page being stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import httpx

from liaison.audit.peers import check_when_due
from liaison.config import Settings
from liaison.errors import LiaisonError
from liaison.federation.peers import peer_credential
from liaison.federation.sync import (
    SyncReport,
    load_keyring,
    open_peer,
    sync_collection,
)
from liaison.federation.sync_checks import Keyring
from liaison.federation.sync_client import PeerClient, RemoteCollection, tls_verification
from liaison.store.database import Database
from liaison.store.models import Peer

log = logging.getLogger(__name__)
EVENT_STREAM = "text/event-stream"
STREAM_TIMEOUT = httpx.Timeout(10.0, read=35.0)
"""Streams send a keep-alive every 15 s; 35 s of silence means the connection is dead."""
BACKOFF_FIRST_S = 0.5
BACKOFF_MAX_S = 15.0
OnReport = Callable[[SyncReport], None]
OnError = Callable[[str], None]


class StreamRefused(Exception):
    """The peer answered the stream request with something other than an event stream."""


@dataclass(slots=True)
class _PeerState:
    """What one peer's puller knows: collections to pull next, and the last listing."""

    peer: Peer
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    dirty: set[str] = field(default_factory=set)
    remotes: dict[str, RemoteCollection] = field(default_factory=dict)
    streams: dict[str, asyncio.Task[None]] = field(default_factory=dict)

    def mark(self, remote_id: str) -> None:
        """Ask for a pull of one collection (coalesced with any other marks pending)."""
        self.dirty.add(remote_id)
        self.wake.set()


class Watch:
    """Streams and pullers for a set of peers, until `stop` is set (by a signal or a caller)."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        peers: Sequence[Peer],
        *,
        interval: float,
        on_report: OnReport,
        on_error: OnError,
    ) -> None:
        self.db = db
        self.settings = settings
        self.peers = list(peers)
        self.interval = interval
        self.on_report = on_report
        self.on_error = on_error
        self.stop = threading.Event()
        self._stopped = asyncio.Event()

    def request_stop(self) -> None:
        """End the watch: pulls stop after their current page, streams close."""
        self.stop.set()
        self._stopped.set()

    async def run(self) -> None:
        """Watch every peer until SIGINT/SIGTERM or `request_stop`."""
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_stop)
        try:
            async with httpx.AsyncClient(
                timeout=STREAM_TIMEOUT, verify=tls_verification(self.settings)
            ) as streams:
                pullers = [
                    asyncio.create_task(self._puller(_PeerState(peer), streams))
                    for peer in self.peers
                ]
                await asyncio.gather(*pullers)
        finally:
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(signum)

    async def _puller(self, state: _PeerState, streams: httpx.AsyncClient) -> None:
        """Pull when marked, and everything every `interval` seconds, until stopped."""
        client = open_peer(self.settings, state.peer)
        keyring: Keyring | None = None
        next_full = time.monotonic()
        try:
            while not self.stop.is_set():
                full = await self._wait(state, next_full)
                if self.stop.is_set():
                    return
                dirty, state.dirty = state.dirty, set()
                state.wake.clear()
                try:
                    if full or keyring is None:
                        next_full = time.monotonic() + self.interval
                        keyring = await asyncio.to_thread(load_keyring, self.db, self.settings)
                        listed = await asyncio.to_thread(client.collections)
                        state.remotes = {remote.id: remote for remote in listed}
                        self._follow(state, streams)
                        await asyncio.to_thread(
                            check_when_due, self.db, self.settings, state.peer, self.on_error
                        )
                        dirty = set(state.remotes)
                    report = await asyncio.to_thread(
                        self._pull, state, client, keyring, sorted(dirty)
                    )
                except LiaisonError as exc:
                    self.on_error(exc.message)
                    continue
                self.on_report(report)
        finally:
            for task in state.streams.values():
                task.cancel()
            await asyncio.gather(*state.streams.values(), return_exceptions=True)
            client.close()

    async def _wait(self, state: _PeerState, next_full: float) -> bool:
        """Wait for a mark, the next full pull, or stop; True when a full pull is due."""
        wake = asyncio.create_task(state.wake.wait())
        stopped = asyncio.create_task(self._stopped.wait())
        timeout = max(0.0, next_full - time.monotonic())
        try:
            await asyncio.wait({wake, stopped}, timeout=timeout, return_when="FIRST_COMPLETED")
        finally:
            for task in (wake, stopped):
                task.cancel()
        return time.monotonic() >= next_full

    def _pull(
        self, state: _PeerState, client: PeerClient, keyring: Keyring, remote_ids: list[str]
    ) -> SyncReport:
        """Pull the given collections (a worker thread's job); stops between pages when asked."""
        report = SyncReport(state.peer.name, state.peer.url)
        for remote_id in remote_ids:
            remote = state.remotes.get(remote_id)
            if remote is None or self.stop.is_set():
                continue
            report.collections.append(
                sync_collection(
                    self.db, self.settings, state.peer, client, remote, keyring, stop=self.stop
                )
            )
        return report

    def _follow(self, state: _PeerState, streams: httpx.AsyncClient) -> None:
        """Open a stream for each newly listed collection; end those no longer listed."""
        for remote_id in list(state.streams):
            if remote_id not in state.remotes:
                state.streams.pop(remote_id).cancel()
        for remote_id in state.remotes:
            if remote_id not in state.streams:
                stream = _stream(state, remote_id, streams, self.settings)
                state.streams[remote_id] = asyncio.create_task(stream)


async def _stream(
    state: _PeerState, remote_id: str, client: httpx.AsyncClient, settings: Settings
) -> None:
    """Hold one collection's event stream open, marking it for a pull on every event.

    A (re)connection marks it too, so anything added while the stream was down is pulled.
    Failures are retried after a backoff that doubles up to `BACKOFF_MAX_S`.
    """
    peer = state.peer
    url = f"{peer.url.rstrip('/')}/api/v1/streams/{remote_id}"
    delay = BACKOFF_FIRST_S
    while True:
        headers = {
            "Authorization": f"Bearer {peer_credential(settings.dir, peer.name)}",
            "Accept": EVENT_STREAM,
        }
        try:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise StreamRefused(f"answered {response.status_code}")
                delay = BACKOFF_FIRST_S
                state.mark(remote_id)
                await _read_events(response, lambda: state.mark(remote_id))
            reason = "closed by the peer"
        except (httpx.HTTPError, StreamRefused) as exc:
            reason = str(exc) or type(exc).__name__
        log.info("stream %s of peer %s: %s; retrying in %.1f s", url, peer.name, reason, delay)
        state.mark(remote_id)
        await asyncio.sleep(delay)
        delay = min(delay * 2, BACKOFF_MAX_S)


async def _read_events(response: httpx.Response, on_event: Callable[[], None]) -> None:
    """Call `on_event` at the end of each server-sent event that carried data."""
    pending = False
    async for line in response.aiter_lines():
        if line.startswith(("data:", "event:")):
            pending = True
        elif not line and pending:
            pending = False
            on_event()


def watch(
    db: Database,
    settings: Settings,
    peers: Sequence[Peer],
    *,
    interval: float,
    on_report: OnReport,
    on_error: OnError,
) -> None:
    """Run a `Watch` over `peers` in a new event loop until SIGINT or SIGTERM."""
    runner = Watch(db, settings, peers, interval=interval, on_report=on_report, on_error=on_error)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(runner.run())
