"""The node's pool of worker processes for CPU-bound bulk work (admission, signature checks).

Workers start from a fork server with liaison's hot modules already imported, and live as long as
the process, so a server or a long sync pays their start-up once. A Python program that uses them
must guard its entry point with `if __name__ == "__main__":`, as for any use of multiprocessing.
"""

from __future__ import annotations

import functools
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

WORKERS = min(4, os.cpu_count() or 1)
PRELOAD = ["liaison.store.admission", "liaison.federation.sync_checks"]
T = TypeVar("T")


def _exit_with(owner: int) -> None:
    """Worker initializer: end this worker when the process that owns the pool is gone.

    A pool's owner killed outright (SIGKILL, OOM) cannot shut its workers down, and they would
    otherwise wait for work forever; polling once a second costs nothing.
    """

    def watch() -> None:
        while True:
            time.sleep(1)
            try:
                os.kill(owner, 0)
            except ProcessLookupError:
                os._exit(0)

    threading.Thread(target=watch, name="owner-watch", daemon=True).start()


@functools.cache
def process_pool() -> ProcessPoolExecutor:
    """The shared pool (created on first use)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(
        WORKERS, mp_context=context, initializer=_exit_with, initargs=(os.getpid(),)
    )


def forget_broken_pool() -> None:
    """Drop a pool whose worker died, so that the next use starts a fresh one."""
    process_pool.cache_clear()


def start_workers() -> list[Future[int]]:
    """Start the workers now, so that bulk work coming next need not wait for them.

    Returns futures that finish once each worker is up.
    """
    return [process_pool().submit(int) for _ in range(WORKERS)]


def split(items: Sequence[T], parts: int = WORKERS) -> list[Sequence[T]]:
    """`items` cut into at most `parts` contiguous, non-empty, nearly equal slices, in order."""
    size = -(-len(items) // max(parts, 1))
    return [items[start : start + size] for start in range(0, len(items), size)] if items else []
