"""Synthetic trafficking networks as STIX 2.1 objects, with planted ground truth.

Each of `cells` smuggling cells has chemical suppliers in Asia (the sources), a transshipment
hub (a port `location` and a bonded-warehouse `infrastructure`), one broker and one freight
forwarder (the chokepoints), front companies and importers, and markets in North America (the
targets), joined by `relationship` objects and one precursor `incident` naming a supplier and
the broker. Hubs of neighbouring cells share a shipping lane and neighbouring markets trade, so
the cells touch, but every supplier-to-market route runs through a broker or a forwarder: the
chokepoints are the unique minimum vertex cut (each has direct links to suppliers and to three
front companies that each reach a market, so any other cut is larger), and the cells are the
planted communities. Every organisation names its role in STIX `roles` (`chemical-supplier`,
`broker`, `freight-forwarder`, `front-company`, `importer`) and markets are locations in region
`northern-america`, so the sources and targets can be told from the objects themselves
(`liaison.networks.service.default_ends`). Every name is invented; identifiers are UUIDv5 of the seed and a name, so
the same seed gives the same objects.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from liaison.stix.extensions import PRECURSOR_EXTENSION_ID
from liaison.stix.tlp import Tlp

NAMESPACE = uuid.UUID("0f6c1d7e-93a4-4f0b-8d52-6c1e2b7a9d43")
CREATED = "2026-10-05T08:00:00.000Z"
_SYLLABLES = ("zel", "vor", "ka", "tri", "mon", "dra", "qui", "sel", "bra", "no", "lu", "fen",
              "tor", "ix", "pa", "ren", "ul", "sha", "vek", "or")  # fmt: skip
_ASIA = ("eastern-asia", "south-eastern-asia", "southern-asia")
SUPPLIER_ROLE = "chemical-supplier"
"""The STIX identity `roles` value of a chemical supplier (a source of the network)."""
MARKET_REGION = "northern-america"
"""The STIX location `region` of a market (a target of the network)."""


@dataclass
class SyntheticNetwork:
    """The objects and their planted truth: sources, targets, the minimum cut, the cells."""

    objects: list[dict[str, Any]] = field(default_factory=list)
    suppliers: list[str] = field(default_factory=list)
    markets: list[str] = field(default_factory=list)
    chokepoints: list[str] = field(default_factory=list)
    cells: dict[str, int] = field(default_factory=dict)


class _Builder:
    """Makes objects with deterministic ids and synthetic names, recording each one's cell."""

    def __init__(self, seed: int, tlp: Tlp) -> None:
        self.random = random.Random(seed)  # noqa: S311 - synthetic data
        self.seed = seed
        self.tlp = tlp
        self.network = SyntheticNetwork()

    def name(self, suffix: str) -> str:
        """A pronounceable invented name ending in `suffix`."""
        parts = self.random.randint(2, 3)
        word = "".join(self.random.choice(_SYLLABLES) for _ in range(parts))
        return f"{word.capitalize()} {suffix}"

    def add(self, kind: str, key: str, cell: int | None, **props: Any) -> str:
        """A new SDO of `kind` (in `cell`, None for relationships and incidents); its id."""
        stix_id = f"{kind}--{uuid.uuid5(NAMESPACE, f'{self.seed}/{kind}/{key}')}"
        self.network.objects.append({
            "type": kind, "spec_version": "2.1", "id": stix_id, "created": CREATED,
            "modified": CREATED, "object_marking_refs": [self.tlp.marking_id], **props,
        })  # fmt: skip
        if cell is not None:
            self.network.cells[stix_id] = cell
        return stix_id

    def link(self, source: str, kind: str, target: str) -> None:
        """A relationship `source` —kind→ `target`."""
        key = f"{source}/{kind}/{target}"
        self.add("relationship", key, None, relationship_type=kind, source_ref=source,
                 target_ref=target)  # fmt: skip

    def organisation(self, key: str, cell: int, suffix: str, role: str) -> str:
        """An organisation identity with a synthetic name, its role (STIX `roles`, e.g.
        `chemical-supplier`) and a description of it."""
        return self.add("identity", key, cell, name=self.name(suffix), identity_class="organization",
                        roles=[role.replace(" ", "-")], description=f"Synthetic {role}.")  # fmt: skip

    def place(self, key: str, cell: int, suffix: str, region: str) -> str:
        """A location in `region` with a synthetic name."""
        return self.add("location", key, cell, name=self.name(suffix), region=region)


def _cell(builder: _Builder, cell: int, suppliers: int) -> tuple[str, list[str]]:
    """One cell's objects and links; returns its hub location and markets."""
    net, rnd, tag = builder.network, builder.random, f"cell{cell}"
    sources = [builder.organisation(f"{tag}/supplier{i}", cell, "Fine Chemicals Co.",
                                    "chemical supplier") for i in range(suppliers)]  # fmt: skip
    hub = builder.place(f"{tag}/hub", cell, "Port", _ASIA[cell % len(_ASIA)])
    warehouse = builder.add("infrastructure", f"{tag}/warehouse", cell,
                            name=builder.name("Bonded Warehouse"))  # fmt: skip
    broker = builder.organisation(f"{tag}/broker", cell, "Trading Agency", "broker")
    forwarder = builder.organisation(f"{tag}/forwarder", cell, "Logistics", "freight forwarder")
    fronts = [builder.organisation(f"{tag}/front{i}", cell, "Holdings Ltd.", "front company")
              for i in range(3)]  # fmt: skip
    importers = [builder.organisation(f"{tag}/importer{i}", cell, "Imports Inc.", "importer")
                 for i in range(2)]  # fmt: skip
    markets = [builder.place(f"{tag}/market{i}", cell, "Market", MARKET_REGION)
               for i in range(2)]  # fmt: skip
    for number, supplier in enumerate(sources):
        builder.link(supplier, "related-to", sources[(number + 1) % len(sources)])
        builder.link(supplier, "sells-to", broker)
        builder.link(supplier, "ships-via", forwarder)
        builder.link(supplier, "located-at", hub)
    builder.link(forwarder, "uses", warehouse)
    builder.link(warehouse, "located-at", hub)
    builder.link(broker, "works-with", forwarder)
    for number, front in enumerate(fronts):
        builder.link(broker, "sells-to", front)
        builder.link(forwarder, "ships-to", front)
        builder.link(front, "related-to", fronts[(number + 1) % len(fronts)])
        builder.link(front, "delivers-to", markets[number % len(markets)])
        builder.link(front, "sells-to", rnd.choice(importers))
    for importer in importers:
        builder.link(importer, "located-at", rnd.choice(markets))
        builder.link(importer, "buys-from", broker)
    for market in markets:
        builder.link(forwarder, "delivers-to", market)
    _incident(builder, cell, sources[0], broker)
    net.suppliers += sources
    net.markets += markets
    net.chokepoints += [broker, forwarder]
    return hub, markets


def _incident(builder: _Builder, cell: int, supplier: str, broker: str) -> None:
    """A stopped shipment naming the supplier and the broker (precursor-incident extension)."""
    companies = [
        {"name": "supplier", "role": "supplier", "identity_ref": supplier},
        {"name": "broker", "role": "broker", "identity_ref": broker},
    ]
    extension = {
        "extension_type": "property-extension", "incident_type": "stopped-shipment",
        "substances": [{"name": "synthetic precursor X", "quantity_kg": 25.0}],
        "modus_operandi": ["mislabelling", "transshipment"], "companies": companies,
    }  # fmt: skip
    builder.add("incident", f"cell{cell}/incident", cell, name=f"Stopped shipment, cell {cell}",
                extensions={PRECURSOR_EXTENSION_ID: extension})  # fmt: skip


def synthetic_network(
    *, cells: int = 3, suppliers: int = 4, seed: int = 0, tlp: Tlp = Tlp.GREEN
) -> SyntheticNetwork:
    """A trafficking network of `cells` cells of `suppliers` suppliers each, with its truth."""
    builder = _Builder(seed, tlp)
    hubs: list[str] = []
    markets: list[list[str]] = []
    for cell in range(cells):
        hub, cell_markets = _cell(builder, cell, suppliers)
        hubs.append(hub)
        markets.append(cell_markets)
    for cell in range(1, cells):
        builder.link(hubs[cell - 1], "related-to", hubs[cell])
        builder.link(markets[cell - 1][0], "related-to", markets[cell][1])
    return builder.network
