"""Support for bulk work on large JSON documents."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a block builds or walks many JSON containers.

    Parsed STIX is hundreds of thousands of acyclic dicts and lists; the collector would walk every
    live one again and again (a third of an import's time) and find nothing to free. Nested uses
    are fine: only the outermost one turns the collector back on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
