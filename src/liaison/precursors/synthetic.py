"""Synthetic shipment records with planted ground truth, for the demo, the tests and the bench.

Benign chemical shipments (solvents, reagents, pharmaceutical intermediates, pyridine and
piperidine compounds close to the precursors) move between invented suppliers, brokers,
freight forwarders and importers, mostly on direct routes, some through transshipment hubs.
Among them, at `precursor_rate`, planted precursor shipments: exact (by CAS, by name, by
abbreviation) and obfuscated (misspelt, spaced out, look-alike characters, salt forms, a salt's
CAS, designer analogues by systematic name without CAS, a benign description over a precursor
CAS or HS code), often shipped by front companies through hubs. The planted substances come from
whatever the reference data holds. Every company name is invented.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import orjson

from liaison.precursors.names import fold
from liaison.precursors.reference import ReferenceData, Substance, load_reference
from liaison.precursors.shipments import COLUMNS, Shipment

BENIGN: tuple[tuple[str, str, str], ...] = (
    ("Acetone", "67-64-1", "2914.11"), ("Toluene", "108-88-3", "2902.30"),
    ("Methanol", "67-56-1", "2905.11"), ("Ethyl acetate", "141-78-6", "2915.31"),
    ("Isopropyl alcohol", "67-63-0", "2905.12"), ("Dichloromethane", "75-09-2", "2903.12"),
    ("Acetonitrile", "75-05-8", "2926.90"), ("n-Hexane", "110-54-3", "2901.10"),
    ("Citric acid", "77-92-9", "2918.14"), ("Sodium hydroxide", "1310-73-2", "2815.11"),
    ("Sulfuric acid", "7664-93-9", "2807.00"), ("Sodium chloride", "7647-14-5", "2501.00"),
    ("Potassium carbonate", "584-08-7", "2836.40"), ("Glycerol", "56-81-5", "2905.45"),
    ("Acetic acid", "64-19-7", "2915.21"), ("Benzoic acid", "65-85-0", "2916.31"),
    ("Salicylic acid", "69-72-7", "2918.21"), ("Paracetamol", "103-90-2", "2924.29"),
    ("Caffeine", "58-08-2", "2939.30"), ("Ibuprofen", "15687-27-1", "2916.39"),
    ("Metformin hydrochloride", "1115-70-4", "2925.29"), ("Aniline", "62-53-3", "2921.41"),
    ("Pyridine", "110-86-1", "2933.31"), ("Piperidine", "110-89-4", "2933.32"),
    ("4-Aminopyridine", "504-24-5", "2933.39"), ("3-Picoline", "108-99-6", "2933.39"),
    ("2-Chloropyridine", "109-09-1", "2933.39"), ("4-Piperidinemethanol", "6457-49-4", "2933.39"),
    ("4-Dimethylaminopyridine", "1122-58-3", "2933.39"), ("2,6-Lutidine", "108-48-5", "2933.39"),
    ("4-Methylpiperidine", "626-58-4", "2933.39"),
    ("Ethyl piperidine-4-carboxylate", "1126-09-6", "2933.39"),
    ("2-Phenylethanol", "60-12-8", "2906.29"), ("Benzaldehyde", "100-52-7", "2912.21"),
    ("Styrene", "100-42-5", "2902.50"), ("Urea", "57-13-6", "3102.10"),
    ("Nicotinamide", "98-92-0", "2936.29"), ("Morpholine", "110-91-8", "2934.99"),
    ("Tetrahydrofuran", "109-99-9", "2932.11"), ("N,N-Dimethylformamide", "68-12-2", "2924.19"),
    ("Dimethyl sulfoxide", "67-68-5", "2930.90"), ("Cyclohexanone", "108-94-1", "2914.22"),
)  # fmt: skip
"""Benign chemicals: name, CAS number, HS subheading (nine of them pyridines or piperidines)."""

DESIGNER = (
    "tert-butyl 4-[(4-chlorophenyl)amino]piperidine-1-carboxylate",
    "tert-butyl 4-[(3-fluorophenyl)amino]piperidine-1-carboxylate",
    "N-(2-methylphenyl)piperidin-4-amine",
    "N-(4-methoxyphenyl)-1-(2-phenylethyl)piperidin-4-amine",
    "1-[2-(4-fluorophenyl)ethyl]piperidin-4-one",
    "1-(2-phenylpropyl)piperidin-4-one",
    "tert-butyl 3-methyl-4-oxopiperidine-1-carboxylate",
    "8-(2-phenylethyl)-1,4-dioxa-8-azaspiro[4.5]decane",
)
"""Designer precursors by systematic name, none of them in the reference data."""

_TRADE = ("", "", " 99%", ", technical grade", " (98%)", " powder", ", pharma grade", " 25kg drums")
_SALTS = (" hydrochloride", " HCl", " oxalate", " dihydrochloride", " citrate")
_LOOKALIKE = {"o": "0", "i": "1", "e": "3", "a": "4", "s": "$", "l": "1"}
_WORDS_A = (
    "Jade", "Harbor", "Lotus", "Meridian", "Crescent", "Silverpine", "Bluecrest", "Orchid",
    "Northgate", "Saffron", "Kestrel", "Amberline", "Coral", "Tidewell", "Granite", "Zephyr",
    "Willowmere", "Brightwater", "Cobalt", "Ironleaf", "Sunfield", "Rivermark", "Pinecrest",
    "Larkspur", "Maplewood", "Quartzline", "Redfern", "Stonebridge", "Velvetree", "Windrose",
)  # fmt: skip
_WORDS_B = {
    "supplier": ("Fine Chemical", "Chemical Industry", "Biotech", "Pharmaceutical", "Materials"),
    "broker": ("Trading", "Import Export", "Commerce", "Sourcing"),
    "forwarder": ("Logistics", "Freight", "Shipping", "Cargo Services"),
    "front": ("Holdings", "General Trading", "Enterprises", "Global Supplies"),
    "importer": ("Labs", "Health Products", "Industrial Supply", "Research Supply"),
}
_FORMS = ("Co., Ltd.", "Pvt. Ltd.", "Inc.", "LLC", "FZE", "Ltd.", "Pte. Ltd.", "S.A.")
SUPPLIER_COUNTRIES = ("CN", "IN", "DE", "KR", "JP", "CH")
HUB_COUNTRIES = ("HK", "AE", "SG", "NL", "PA", "MY")
MARKET_COUNTRIES = ("CA", "US", "MX")
START = date(2026, 1, 1)


@dataclass(frozen=True, slots=True)
class Planted:
    """A generated record and its ground truth: benign, or a planted precursor and how."""

    shipment: Shipment
    precursor: bool
    technique: str
    substance: str | None = None


def company_names(rng: random.Random, role: str, count: int) -> list[str]:
    """`count` distinct invented company names for a role (supplier, broker, forwarder…)."""
    names: set[str] = set()
    while len(names) < count:
        names.add(
            f"{rng.choice(_WORDS_A)} {rng.choice(_WORDS_A)} {rng.choice(_WORDS_B[role])} "
            f"{rng.choice(_FORMS)}"
        )
    return sorted(names)


class _Parties:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.by_role = {role: company_names(rng, role, 40) for role in _WORDS_B}

    def pick(self, role: str) -> str:
        return self.rng.choice(self.by_role[role])


def _route(rng: random.Random, risky: bool) -> tuple[str, str, str]:
    origin = rng.choice(SUPPLIER_COUNTRIES)
    destination = rng.choice(MARKET_COUNTRIES)
    roll = rng.random()
    if roll < (0.5 if risky else 0.85):
        return origin, destination, f"{origin}>{destination}"
    hubs = rng.sample(HUB_COUNTRIES, 1 if roll < 0.95 or not risky else 3)
    return origin, destination, ">".join((origin, *hubs, destination))


def _misspell(rng: random.Random, name: str) -> str:
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    at = rng.choice(letters[1:-1])
    if rng.random() < 0.5:
        return name[:at] + name[at + 1 :]
    return name[:at] + name[at + 1] + name[at] + name[at + 2 :]


def _lookalike(rng: random.Random, name: str) -> str:
    return "".join(_LOOKALIKE[ch] if ch in _LOOKALIKE and rng.random() < 0.4 else ch for ch in name)


def _spaced(rng: random.Random, abbreviation: str) -> str:
    compact = [ch for ch in abbreviation if ch.isalnum()]
    return rng.choice((".", " ", " - ", "_")).join(compact)


class _Planter:
    """Builds one planted precursor record of a chosen technique from the reference data."""

    def __init__(self, rng: random.Random, reference: ReferenceData) -> None:
        self.rng = rng
        self.reference = reference
        self.targets = [s for s in reference.substances if reference.parent_of(s).kind != "related"]
        self.with_cas = [s for s in self.targets if s.cas and s.kind != "salt"]
        self.salts = [s for s in self.targets if s.cas and s.kind == "salt"]
        self.long_names = [
            (s, n) for s in self.targets for n in s.names if len(fold(n)) >= 12 and " " not in n
        ]
        self.abbreviated = [(s, a) for s in self.targets for a in s.abbreviations if len(a) <= 6]
        owners: dict[str, set[str]] = {}
        for substance in self.targets:
            for code in substance.hs_codes:
                owners.setdefault(code, set()).add(reference.parent_of(substance).key)
        self.own_codes = sorted(code for code, keys in owners.items() if len(keys) == 1)
        self.techniques = [t for t in TECHNIQUES if self._available(t)]

    def _available(self, technique: str) -> bool:
        needs: dict[str, Sequence[object]] = {"cas": self.with_cas, "salt-cas": self.salts, "mislabelled-cas": self.with_cas,
                 "misspelt": self.long_names, "lookalike": self.long_names,
                 "spaced": self.abbreviated, "abbreviation": self.abbreviated,
                 "mislabelled-hs": self.own_codes}  # fmt: skip
        return bool(needs.get(technique, self.targets))

    def plant(self, technique: str) -> tuple[str, str, str, Substance | None]:
        """(description, cas, hs_code, substance) of one planted record."""
        rng = self.rng
        substance = rng.choice(self.targets)
        trade = rng.choice(_TRADE)
        if technique == "cas":
            substance = rng.choice(self.with_cas)
            return substance.name + trade, substance.cas or "", _hs(substance), substance
        if technique == "salt-cas":
            substance = rng.choice(self.salts)
            return substance.name, substance.cas or "", _hs(substance), substance
        if technique == "name":
            return rng.choice(substance.names) + trade, "", _hs(substance), substance
        if technique in ("abbreviation", "spaced"):
            substance, abbreviation = rng.choice(self.abbreviated)
            text = abbreviation if technique == "abbreviation" else _spaced(rng, abbreviation)
            return text + trade, "", _hs(substance), substance
        if technique in ("misspelt", "lookalike"):
            substance, name = rng.choice(self.long_names)
            obfuscate = _misspell if technique == "misspelt" else _lookalike
            return obfuscate(rng, name) + trade, "", _hs(substance), substance
        if technique == "salt":
            return substance.name + rng.choice(_SALTS), "", _hs(substance), substance
        if technique == "designer":
            return rng.choice(DESIGNER) + rng.choice(("", " hydrochloride")), "", "2933.39", None
        benign = rng.choice([b for b in BENIGN if not b[2].startswith("293")])
        if technique == "mislabelled-cas":
            substance = rng.choice(self.with_cas)
            return benign[0], substance.cas or "", benign[2], substance
        return benign[0], "", rng.choice(self.own_codes), None


def _hs(substance: Substance) -> str:
    return substance.hs_codes[0] if substance.hs_codes else "2933.39"


TECHNIQUES = (
    "cas", "name", "abbreviation", "salt-cas", "misspelt", "lookalike", "spaced", "salt",
    "designer", "mislabelled-cas", "mislabelled-hs",
)  # fmt: skip
"""How planted records carry their precursor; the first three are exact, the rest obfuscated."""
EXACT = frozenset(TECHNIQUES[:3])


def generate(
    count: int,
    *,
    seed: int = 0,
    precursor_rate: float = 0.03,
    reference: ReferenceData | None = None,
) -> list[Planted]:
    """`count` records, a `precursor_rate` share of them planted precursor shipments."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data
    parties = _Parties(rng)
    planter = _Planter(rng, reference or load_reference())
    records = []
    for n in range(count):
        planted = rng.random() < precursor_rate
        origin, destination, route = _route(rng, planted)
        technique, substance = "benign", None
        if planted:
            technique = planter.techniques[n % len(planter.techniques)]
            description, cas, hs, substance = planter.plant(technique)
            shipper = parties.pick(rng.choice(("broker", "front", "forwarder")))
            consignee = parties.pick(rng.choice(("front", "importer")))
        else:
            name, cas, hs = rng.choice(BENIGN)
            description = rng.choice((name, name.upper(), name.lower())) + rng.choice(_TRADE)
            cas = cas if rng.random() < 0.7 else ""
            shipper = parties.pick(rng.choice(("supplier", "supplier", "broker", "forwarder")))
            consignee = parties.pick("importer")
        shipment = Shipment(
            id=f"SHP-{n:07d}", description=description, cas=cas, hs_code=hs,
            quantity_kg=round(rng.uniform(0.5, 2000), 1), shipper=shipper, consignee=consignee,
            origin=origin, destination=destination, route=route,
            date=(START + timedelta(days=rng.randrange(330))).isoformat(),
        )  # fmt: skip
        records.append(Planted(shipment, planted, technique, substance.key if substance else None))
    return records


def write_csv(path: Path, records: Iterable[Planted]) -> None:
    """The records as a CSV file with the screening columns (ground truth left out)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(record.shipment.as_row() for record in records)


def write_jsonl(path: Path, records: Sequence[Planted]) -> None:
    """The records as JSON lines (ground truth left out)."""
    with path.open("wb") as stream:
        for record in records:
            stream.write(orjson.dumps(record.shipment.as_row()) + b"\n")
