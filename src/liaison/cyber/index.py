"""Hash and prefix indexes: from a value to the comparisons it satisfies, in one lookup.

Every `=` and `IN` comparison on one (object type, path) puts its constants in one hash table,
so a value costs one dictionary lookup however many indicators test that path. Every CIDR
`ISSUBSET` on a path goes into a prefix index: a hash table per prefix length in use, so an
address costs one lookup per distinct prefix length (a handful), not one per block.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from liaison.cyber.network import Network, mask, parse_network


def equality_key(value: Any) -> Any:
    """The hash key under which a value meets the `=` constants it equals, or None.

    Strings are their own key. Numbers share one key space (80 = 80.0) apart from booleans,
    which only equal booleans; binary values meet the strings they equal as Latin-1 text.
    """
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return ("bool", value)
    if kind is int or kind is float:
        return ("number", value)
    if kind is bytes:
        return value.decode("latin-1")
    return None


class EqualityIndex:
    """Constants of `=` / `IN` comparisons on one path, mapped to the comparisons' ids.

    `text_only` holds the `IN` comparisons: their membership test never lets a binary value
    meet a string, so a binary value's lookup leaves them out.
    """

    __slots__ = ("table", "text_only")

    def __init__(self) -> None:
        self.table: dict[Any, list[int]] = defaultdict(list)
        self.text_only: set[int] = set()

    def add(self, constant: Any, comparison: int, *, membership: bool = False) -> None:
        """Make values equal to `constant` satisfy `comparison` (an `IN` with `membership`)."""
        self.table[equality_key(constant)].append(comparison)
        if membership:
            self.text_only.add(comparison)

    def freeze(self) -> dict[Any, tuple[int, ...]]:
        """The finished table (plain dict of tuples: the fastest to probe)."""
        return {key: tuple(ids) for key, ids in self.table.items()}


class PrefixIndex:
    """CIDR blocks of `ISSUBSET` comparisons on one path: which blocks contain a value."""

    __slots__ = ("blocks", "lengths")

    def __init__(self) -> None:
        self.blocks: dict[tuple[int, int], dict[int, list[int]]] = {}
        self.lengths: dict[int, list[int]] = {4: [], 6: []}

    def add(self, block: Network, comparison: int) -> None:
        """Make addresses and blocks inside `block` satisfy `comparison`."""
        version, address, prefix = block
        table = self.blocks.get((version, prefix))
        if table is None:
            table = self.blocks[(version, prefix)] = {}
            self.lengths[version] = sorted({*self.lengths[version], prefix})
        table.setdefault(address, []).append(comparison)

    def containing(self, value: Any) -> list[int]:
        """The comparisons whose block contains the address or block written in `value`."""
        if type(value) is not str:
            return []
        network = parse_network(value)
        if network is None:
            return []
        version, address, prefix = network
        found: list[int] = []
        for length in self.lengths[version]:
            if length > prefix:
                break
            ids = self.blocks[(version, length)].get(address & mask(version, length))
            if ids:
                found.extend(ids)
        return found

    def __len__(self) -> int:
        return sum(len(table) for table in self.blocks.values())
