"""Free TCP ports on 127.0.0.1 for test servers, drawn below the kernel's ephemeral range.

A port found free by binding to port 0 comes from the ephemeral range, where any outgoing
connection of the test run may take it again before the server binds it; ports below that range
are only ever taken by a listener that asks for them.
"""

from __future__ import annotations

import random
import socket

LOW, HIGH = 20_000, 32_000


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
