"""The pages of one peer collection, fetched and checked ahead of the writer.

Three stages overlap. A fetcher thread pulls page after page from the peer (which signs each one
as it serves it) without waiting for the writer, up to `PAGES_AHEAD` pages ahead; as each page
arrives its checks (`liaison.federation.sync_checks`: signatures, admission, prepared rows) are
handed to the worker processes, split between them, each parsing the page's JSON bytes itself (a
small page is checked by a thread instead); the caller stores the pages in order. The peer, the workers and the writer are
therefore all busy at once.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from liaison.federation.sync_checks import (
    Checked,
    Keyring,
    Rejection,
    Signed,
    check_envelope_part,
    check_objects,
)
from liaison.federation.sync_client import PeerClient, RemoteCollection, RemotePage
from liaison.store.admission import Destination
from liaison.workers import process_pool, split

PARALLEL_MIN_PAGE = 200  # smaller pages are checked in a thread: not worth a process round trip
PAGES_AHEAD = 3
_PUT_WAIT_S = 0.1

Verified = tuple[list[Checked], list[Rejection]]
"""A part's objects signed by a trusted node and admitted, and its rejections."""
Fetched = tuple[RemotePage, list[Future[Verified]]]


@dataclass(frozen=True, slots=True)
class CheckedPage:
    """A page as fetched, split into objects signed by a trusted node and rejections."""

    page: RemotePage
    signed: list[Signed]
    rejected: list[Rejection]


class _Fetcher:
    """The thread that pulls pages and starts their checks, feeding a bounded queue."""

    def __init__(
        self,
        client: PeerClient,
        remote: RemoteCollection,
        start: str | None,
        check: ThreadPoolExecutor,
        keyring: Keyring,
        destination: Destination,
    ) -> None:
        self.client, self.remote, self.start = client, remote, start
        self.check, self.keyring, self.destination = check, keyring, destination
        self.pages: queue.Queue[Fetched | BaseException | None] = queue.Queue(PAGES_AHEAD)
        self.halted = threading.Event()
        self.thread = threading.Thread(target=self._run, name="sync-fetch", daemon=True)

    def _checks(self, page: RemotePage) -> list[Future[Verified]]:
        args = (self.keyring, self.destination)
        if len(page.objects) < PARALLEL_MIN_PAGE:
            return [self.check.submit(check_objects, page.objects, 0, *args)]
        pool = process_pool()
        parts, start = [], 0
        for part in split(page.objects):
            stop = start + len(part)
            parts.append(pool.submit(check_envelope_part, page.envelope, start, stop, *args))
            start = stop
        return parts

    def _put(self, item: Fetched | BaseException | None) -> bool:
        """Queue `item`, waiting for room; False once the consumer has gone."""
        while not self.halted.is_set():
            try:
                self.pages.put(item, timeout=_PUT_WAIT_S)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        token: str | None = None
        try:
            while not self.halted.is_set():
                page = self.client.objects_page(
                    self.remote.id, added_after=self.start, next_token=token
                )
                if not self._put((page, self._checks(page))):
                    return
                if not (page.more and page.next is not None):
                    break
                token = page.next
        except BaseException as exc:  # handed to the consumer, which raises it
            self._put(exc)
            return
        self._put(None)


def checked_pages(
    client: PeerClient,
    remote: RemoteCollection,
    start: str | None,
    keyring: Keyring,
    destination: Destination,
    stop: threading.Event | None,
) -> Iterator[CheckedPage]:
    """The collection's pages after `start`, checked for `destination`, in order.

    Ends after the last page, or after the page in hand when `stop` is set (pages fetched ahead
    are dropped: the checkpoint only moves with stored pages). A fetch error is raised here, in
    order, after the pages before it.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-check") as check:
        fetcher = _Fetcher(client, remote, start, check, keyring, destination)
        fetcher.thread.start()
        try:
            while (item := fetcher.pages.get()) is not None:
                if isinstance(item, BaseException):
                    raise item
                page, checking = item
                parts = [part.result() for part in checking]
                signed = [
                    Signed(page.objects[item.position], item.signer, item.party, item.row)
                    for part_checked, _ in parts
                    for item in part_checked
                ]
                rejected = [obj for _, part_rejected in parts for obj in part_rejected]
                yield CheckedPage(page, signed, rejected)
                if stop is not None and stop.is_set():
                    return
        finally:
            fetcher.halted.set()
            fetcher.thread.join()
