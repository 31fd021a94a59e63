"""Screening shipment records against the precursor reference data: the rules and the flag.

Each rule adds `Reason`s (code and a one-line detail); the flagging policy then decides:

- **strong** reasons flag a record alone: `cas`, `cas-salt` (a salt or form's CAS number, mapped
  to its parent), `name`, `name-fuzzy`, `structure-anilinopiperidine`,
  `structure-piperidinone`, `mislabelled` (the description disagrees with the CAS number or the
  HS code), `hs-misdeclared` (a precursor declared outside HS heading 2933) and `linked-company`;
- **weak** reasons flag only together, two different ones at least: `hs-code` (the HS
  subheading of one precursor alone, e.g. 2933.37 for NPP), `routing` (hubs,
  indirect routes, origin or destination disagreeing with the route) and `related-chemical` (a
  reference substance of kind `related`, a common chemical used on the way);
- `salt-form` (salt words in the description) and `hs-code-broad` (a catch-all subheading such
  as 2933.39 that holds precursors among many ordinary pyridine and piperidine compounds) only
  describe a record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from liaison.precursors.companies import LinkedCompany, company_key
from liaison.precursors.names import NameHit, NameIndex, is_trade_word
from liaison.precursors.reference import ReferenceData, Substance, cas_check_digit_ok, normalise_cas
from liaison.precursors.routing import RoutingRules, load_routing, routing_findings
from liaison.precursors.shipments import Shipment
from liaison.precursors.structures import Opsin, cores_of_smiles, looks_systematic, shared_opsin

STRONG = frozenset({
    "cas", "cas-salt", "name", "name-fuzzy", "structure-anilinopiperidine",
    "structure-piperidinone", "mislabelled", "hs-misdeclared", "linked-company",
})  # fmt: skip
WEAK = frozenset({"hs-code", "routing", "related-chemical"})
CHUNK = 50_000
"""Records read ahead so that their systematic names go to OPSIN together, each name once."""

_PYRIDINE_STEMS = re.compile(
    r"pyrid|piperid|picolin|lutidin|nicotin|niacin|niazid|collidin|azinan|azaspiro"
)
_HS_DIGITS = re.compile(r"\D")


@dataclass(frozen=True, slots=True)
class Reason:
    """Why a record is suspect: a reason code and a human-readable detail."""

    code: str
    detail: str


@dataclass(frozen=True, slots=True)
class ScreenResult:
    """The verdict on one record: flagged or not, every reason, what the substance is."""

    id: str
    flagged: bool
    reasons: tuple[Reason, ...]
    substance: Substance | None = None
    controlled_as: Substance | None = None
    cores: tuple[str, ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The result as `liaison screen --json` prints it."""
        return {
            "id": self.id, "flagged": self.flagged,
            "reasons": [{"code": r.code, "detail": r.detail} for r in self.reasons],
            "substance": self.substance.key if self.substance else None,
            "controlled_as": self.controlled_as.key if self.controlled_as else None,
            "cores": list(self.cores),
        }  # fmt: skip


def normalise_hs(code: str) -> str:
    """An HS code's six-digit subheading as `dddd.dd` ("" when it has fewer than six digits)."""
    digits = _HS_DIGITS.sub("", code)
    return f"{digits[:4]}.{digits[4:6]}" if len(digits) >= 6 else ""


def is_flagged(reasons: Iterable[Reason]) -> bool:
    """The flagging policy: any strong reason, or two different weak ones."""
    codes = {reason.code for reason in reasons}
    return bool(codes & STRONG) or len(codes & WEAK) >= 2


@dataclass
class _Found:
    """What the substance rules established about one record."""

    reasons: list[Reason] = field(default_factory=list)
    by_cas: Substance | None = None
    by_name: NameHit | None = None
    cores: tuple[str, ...] = ()


class Screener:
    """The screening rules over one reference data set, routing rules and linked companies."""

    def __init__(
        self,
        reference: ReferenceData,
        *,
        routing: RoutingRules | None = None,
        linked: Mapping[str, LinkedCompany] | None = None,
        opsin: Opsin | None = None,
    ) -> None:
        self.reference = reference
        self.routing = routing or load_routing()
        self.linked = dict(linked or {})
        self.opsin = opsin if opsin is not None else shared_opsin()
        self.names = NameIndex(reference)
        self.hs_codes = {normalise_hs(c.code): c.description for c in reference.hs_codes}
        owners: dict[str, set[str]] = {}
        for substance in reference.substances:
            for code in substance.hs_codes:
                self.hs_codes.setdefault(normalise_hs(code), f"HS code of {substance.name}")
                owners.setdefault(normalise_hs(code), set()).add(reference.parent_of(substance).key)
        self.hs_codes.pop("", None)
        self.specific_hs = {
            code: next(iter(keys)) for code, keys in owners.items() if len(keys) == 1
        }
        """Subheadings of one precursor alone (its own HS line), → that precursor's key."""

    def prepare(self, shipments: Iterable[Shipment]) -> None:
        """Send the systematic-looking descriptions among `shipments` to OPSIN in one batch."""
        self.opsin.resolve(
            opsin_name(s.description) for s in shipments if looks_systematic(s.description)
        )

    def screen_all(self, shipments: Iterable[Shipment]) -> Iterator[tuple[Shipment, ScreenResult]]:
        """Screen a stream of records, `CHUNK` at a time (one OPSIN batch per chunk)."""
        chunk: list[Shipment] = []
        for shipment in shipments:
            chunk.append(shipment)
            if len(chunk) >= CHUNK:
                yield from self._chunk(chunk)
                chunk = []
        yield from self._chunk(chunk)

    def _chunk(self, chunk: list[Shipment]) -> Iterator[tuple[Shipment, ScreenResult]]:
        self.prepare(chunk)
        for shipment in chunk:
            yield shipment, self.screen(shipment)

    def screen(self, shipment: Shipment) -> ScreenResult:
        """Every rule on one record (OPSIN answers only for names `prepare` has seen)."""
        found = self._substance(shipment)
        hs = normalise_hs(shipment.hs_code) if shipment.hs_code else ""
        self._hs_rules(shipment, hs, found)
        self._company_rule(shipment, found.reasons)
        if shipment.route:
            findings = routing_findings(
                self.routing, shipment.origin, shipment.destination, shipment.route
            )
            if findings:
                found.reasons.append(Reason("routing", "; ".join(findings)))
        substance = found.by_cas or (found.by_name.substance if found.by_name else None)
        parent = self.reference.parent_of(substance) if substance else None
        reasons = tuple(found.reasons)
        return ScreenResult(
            shipment.id, is_flagged(reasons), reasons, substance, parent, found.cores
        )

    def _substance(self, shipment: Shipment) -> _Found:
        found = _Found()
        if shipment.cas:
            found.by_cas = self._cas_rule(shipment.cas, found.reasons)
        hit = self.names.find(shipment.description)
        if hit is not None and hit.fuzzy and self._opsin_smiles(shipment):
            # A valid systematic name of another compound is not a misspelling: its structure
            # decides (an analogue still flags through the structure rules).
            hit = None
        if hit is not None:
            found.by_name = hit
            self._name_reason(shipment.description, hit, found.reasons)
        self._structure_rules(shipment, found)
        self._cas_mismatch(shipment, found)
        return found

    def _cas_rule(self, cas: str, reasons: list[Reason]) -> Substance | None:
        substance = self.reference.by_cas(cas)
        if substance is None:
            return None
        parent = self.reference.parent_of(substance)
        if parent.kind == "related":
            reasons.append(Reason("related-chemical", f"CAS {cas} is {substance.name}"))
        elif parent is substance:
            reasons.append(Reason("cas", f"CAS {cas} is {substance.name}"))
        else:
            reasons.append(Reason(
                "cas-salt", f"CAS {cas} is {substance.name}, a {substance.kind} of {parent.name}"
            ))  # fmt: skip
        return substance

    def _name_reason(self, description: str, hit: NameHit, reasons: list[Reason]) -> None:
        parent = self.reference.parent_of(hit.substance)
        if parent.kind == "related":
            reasons.append(Reason("related-chemical", f"'{description}' names {hit.name}"))
            return
        if hit.fuzzy:
            detail = f"'{description}' is close to {hit.name} ({hit.score:.0f}/100)"
            reasons.append(Reason("name-fuzzy", detail))
        else:
            reasons.append(Reason("name", f"'{description}' names {hit.name}"))
        if hit.salt_words:
            reasons.append(Reason("salt-form", f"salt words: {', '.join(hit.salt_words)}"))

    def _structure_rules(self, shipment: Shipment, found: _Found) -> None:
        sources: list[tuple[str, str]] = []
        if found.by_cas is not None:
            sources.append((f"CAS {shipment.cas}", found.by_cas.smiles))
        if found.by_name is not None:
            sources.append((found.by_name.name, found.by_name.substance.smiles))
        smiles = self._opsin_smiles(shipment)
        if smiles:
            sources.append(("its systematic name (OPSIN)", smiles))
        cores: dict[str, str] = {}
        for source, smiles in sources:
            for core in cores_of_smiles(smiles):
                cores.setdefault(core, source)
        found.cores = tuple(cores)
        for core, source in cores.items():
            found.reasons.append(Reason(f"structure-{core}", f"{core} core, from {source}"))

    def _cas_mismatch(self, shipment: Shipment, found: _Found) -> None:
        """CAS and description disagree: a precursor's CAS under another name, or the reverse."""
        if found.by_cas is not None:
            parent = self.reference.parent_of(found.by_cas)
            named = found.by_name is not None and (
                self.reference.parent_of(found.by_name.substance) is parent
            )
            if not named and parent.kind != "related" and not self._opsin_cores(shipment):
                found.reasons.append(Reason(
                    "mislabelled",
                    f"declared as '{shipment.description}' but CAS {shipment.cas} is "
                    f"{found.by_cas.name}",
                ))  # fmt: skip
        elif shipment.cas and (found.by_name is not None or found.cores):
            cas = normalise_cas(shipment.cas)
            if cas_check_digit_ok(cas):
                found.reasons.append(Reason(
                    "mislabelled",
                    f"'{shipment.description}' is a precursor but CAS {cas} is not one",
                ))  # fmt: skip

    def _opsin_smiles(self, shipment: Shipment) -> str:
        if not looks_systematic(shipment.description):
            return ""
        return self.opsin.smiles_of(opsin_name(shipment.description))

    def _opsin_cores(self, shipment: Shipment) -> tuple[str, ...]:
        return cores_of_smiles(self._opsin_smiles(shipment))

    def _hs_rules(self, shipment: Shipment, hs: str, found: _Found) -> None:
        if not hs:
            return
        identified = found.by_cas is not None or found.by_name is not None or bool(found.cores)
        owner = self.specific_hs.get(hs)
        if owner is not None:
            found.reasons.append(Reason("hs-code", f"HS {hs}: {self.hs_codes[hs]}"))
            if owner not in self._parents(found):
                found.reasons.append(Reason(
                    "mislabelled",
                    f"HS {hs} is the subheading of {self.reference.by_key(owner).name} but "
                    f"'{shipment.description}' is not declared as it",
                ))  # fmt: skip
        elif hs in self.hs_codes:
            found.reasons.append(Reason("hs-code-broad", f"HS {hs}: {self.hs_codes[hs]}"))
            fits = _PYRIDINE_STEMS.search(shipment.description.lower()) is not None
            if not identified and not fits:
                found.reasons.append(Reason(
                    "mislabelled",
                    f"HS {hs} covers pyridine and piperidine compounds but "
                    f"'{shipment.description}' names none",
                ))  # fmt: skip
        elif identified and not hs.startswith("2933") and not _related_only(found.reasons):
            found.reasons.append(Reason(
                "hs-misdeclared", f"a precursor declared under HS {hs}, outside heading 2933"
            ))  # fmt: skip

    def _parents(self, found: _Found) -> set[str]:
        """Keys of the precursors the record's CAS number or description identify."""
        identified = [found.by_cas, found.by_name.substance if found.by_name else None]
        return {self.reference.parent_of(s).key for s in identified if s is not None}

    def _company_rule(self, shipment: Shipment, reasons: list[Reason]) -> None:
        if not self.linked:
            return
        for role, name in (("shipper", shipment.shipper), ("consignee", shipment.consignee)):
            link = self.linked.get(company_key(name)) if name else None
            if link is not None:
                reasons.append(Reason(
                    "linked-company",
                    f"{role} '{name}' is {link.role} '{link.name}' in {link.incident_id}",
                ))  # fmt: skip


def _related_only(reasons: list[Reason]) -> bool:
    return not any(reason.code in STRONG for reason in reasons)


def opsin_name(description: str) -> str:
    """The description as a name OPSIN can parse: trade words and salt abbreviations dropped."""
    return " ".join(
        word
        for word in description.split()
        if not _NOT_FOR_OPSIN.match(word) and not is_trade_word(word)
    )


_NOT_FOR_OPSIN = re.compile(r"^\(?(?:\d?hcl|hbr|tfa|salt|base|free-?base)\)?$", re.IGNORECASE)
