"""Free TCP ports on 127.0.0.1 for test servers, drawn below the kernel's ephemeral range.

A port found free by binding to port 0 comes from the ephemeral range, where any outgoing
connection of the test run may take it again before the server binds it; ports below that range
are only ever taken by a listener that asks for them.
"""

from __future__ import annotations

import os
import random
import socket

RANGE_LOW, RANGE_HIGH = 20_000, 32_000
WORKER_SLOTS = 4


def _worker_range() -> tuple[int, int]:
    """This process's share of the range: pytest-xdist workers (gw0, gw1, …) draw from disjoint
    slices, so two workers never hand out the same port at the same moment."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    slot = int(worker) % WORKER_SLOTS if worker.isdigit() else 0
    width = (RANGE_HIGH - RANGE_LOW) // WORKER_SLOTS
    return RANGE_LOW + slot * width, RANGE_LOW + (slot + 1) * width


LOW, HIGH = _worker_range()


def free_ports(count: int = 1) -> int:
    """The first of `count` consecutive ports that are all free now."""
    for _ in range(200):
        port = random.randrange(LOW, HIGH - count)
        sockets = [socket.socket() for _ in range(count)]
        try:
            for offset, sock in enumerate(sockets):
                sock.bind(("127.0.0.1", port + offset))
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
        return port
    raise AssertionError(f"no {count} consecutive free ports between {LOW} and {HIGH}")


def free_port() -> int:
    """One free port."""
    return free_ports(1)
