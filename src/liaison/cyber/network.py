"""IPv4/IPv6 addresses and CIDR blocks as integers, for ISSUBSET / ISSUPERSET and the prefix index.

A network is `(version, address, prefix length)` with the host bits cleared. A plain address is
its own /32 (IPv4) or /128 (IPv6) network. As in the reference matcher, IPv4 text is read the
way `inet_aton` reads it, and a CIDR block's prefix length must be at least 1.
"""

from __future__ import annotations

import socket
from typing import TypeAlias

Network: TypeAlias = tuple[int, int, int]

_BITS = {4: 32, 6: 128}


def _address(text: str) -> tuple[int, int] | None:
    """(version, integer) of an IPv4 or IPv6 address text, or None."""
    try:
        if ":" in text:
            return 6, int.from_bytes(socket.inet_pton(socket.AF_INET6, text), "big")
        return 4, int.from_bytes(socket.inet_aton(text), "big")
    except (OSError, ValueError):
        return None


def mask(version: int, prefix: int) -> int:
    """The netmask of a prefix length as an integer."""
    bits = _BITS[version]
    return ((1 << prefix) - 1) << (bits - prefix)


def parse_network(text: str, *, require_prefix: bool = False) -> Network | None:
    """The network an address or CIDR text names, or None when it names none.

    With `require_prefix`, a plain address (no `/n`) is refused, as the reference refuses it
    where a CIDR block is expected.
    """
    address, slash, prefix_text = text.partition("/")
    parsed = _address(address)
    if parsed is None:
        return None
    version, value = parsed
    bits = _BITS[version]
    if not slash:
        return None if require_prefix else (version, value, bits)
    if not prefix_text.isdigit() or not 1 <= int(prefix_text) <= bits:
        return None
    prefix = int(prefix_text)
    return version, value & mask(version, prefix), prefix


def within(inner: Network, outer: Network) -> bool:
    """Whether network `inner` lies inside network `outer` (same family, longer or equal prefix)."""
    version, address, prefix = inner
    outer_version, outer_address, outer_prefix = outer
    if version != outer_version or prefix < outer_prefix:
        return False
    return address & mask(version, outer_prefix) == outer_address
