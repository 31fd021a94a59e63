"""The controlled-precursor reference data shipped in the package (`data/precursors.toml`).

One row per substance: CAS number, names, HS codes, structure, the instruments that control it
and the sources that say so. Salts and protected or designer forms name their parent substance,
so a salt's CAS number leads to the precursor it is a form of. Screening and the structure rules
read it; the file carries its own version, cited in every screening result.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from liaison.errors import InvalidInput

KINDS = ("precursor", "salt", "analogue", "related")
JURISDICTIONS = ("UN", "CA", "IN")


@dataclass(frozen=True, slots=True)
class Control:
    """One instrument that controls a substance: who, which list, since when, and the source."""

    jurisdiction: str
    instrument: str
    listing: str
    year: int | None
    source: str
    confirmed: bool = True


@dataclass(frozen=True, slots=True)
class Substance:
    """One row of the reference data."""

    key: str
    name: str
    kind: str
    cas: str | None
    smiles: str
    inchikey: str
    abbreviations: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()
    hs_codes: tuple[str, ...] = ()
    parent: str | None = None
    controls: tuple[Control, ...] = ()
    sources: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every name the substance goes by: its name, abbreviations and synonyms."""
        return (self.name, *self.abbreviations, *self.synonyms)


@dataclass(frozen=True, slots=True)
class HsCode:
    """A Harmonized System subheading customs associate with fentanyl precursors."""

    code: str
    description: str
    source: str


@dataclass(frozen=True)
class ReferenceData:
    """The whole reference file: its version, substances and precursor HS codes."""

    version: str
    substances: tuple[Substance, ...]
    hs_codes: tuple[HsCode, ...]
    _by_key: dict[str, Substance] = field(init=False, repr=False, compare=False)
    _by_cas: dict[str, Substance] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_key", {s.key: s for s in self.substances})
        object.__setattr__(self, "_by_cas", {s.cas: s for s in self.substances if s.cas})

    def by_key(self, key: str) -> Substance:
        """The substance with `key`."""
        return self._by_key[key]

    def by_cas(self, cas: str) -> Substance | None:
        """The substance with CAS number `cas` (normalised), or None."""
        return self._by_cas.get(normalise_cas(cas))

    def parent_of(self, substance: Substance) -> Substance:
        """The precursor a salt or form belongs to (the substance itself when it has no parent)."""
        while substance.parent is not None:
            substance = self._by_key[substance.parent]
        return substance


def normalise_cas(text: str) -> str:
    """A CAS number as written in the registry (digits-digits-digit), from common spellings."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 5:
        return text.strip()
    return f"{int(digits[:-3])}-{digits[-3:-1]}-{digits[-1]}"


def cas_check_digit_ok(cas: str) -> bool:
    """The CAS number's last digit is its check digit (the weighted digit sum modulo 10)."""
    parts = cas.split("-")
    if len(parts) != 3 or not all(p.isdigit() for p in parts) or len(parts[2]) != 1:
        return False
    if not 2 <= len(parts[0]) <= 7 or len(parts[1]) != 2:
        return False
    body = parts[0] + parts[1]
    total = sum(int(d) * weight for weight, d in enumerate(reversed(body), start=1))
    return total % 10 == int(parts[2])


def _control(row: dict[str, Any]) -> Control:
    return Control(
        jurisdiction=row["jurisdiction"],
        instrument=row["instrument"],
        listing=row["listing"],
        year=row.get("year"),
        source=row["source"],
        confirmed=row.get("confirmed", True),
    )


def _substance(row: dict[str, Any]) -> Substance:
    return Substance(
        key=row["key"],
        name=row["name"],
        kind=row["kind"],
        cas=row.get("cas"),
        smiles=row["smiles"],
        inchikey=row["inchikey"],
        abbreviations=tuple(row.get("abbreviations", ())),
        synonyms=tuple(row.get("synonyms", ())),
        hs_codes=tuple(row.get("hs_codes", ())),
        parent=row.get("parent"),
        controls=tuple(_control(c) for c in row.get("controls", ())),
        sources=tuple(row.get("sources", ())),
        unconfirmed=tuple(row.get("unconfirmed", ())),
    )


def parse_reference(text: str, where: str = "precursors.toml") -> ReferenceData:
    """Reference data from TOML text; a missing or malformed field is an InvalidInput naming it."""
    try:
        document = tomllib.loads(text)
        return ReferenceData(
            version=document["version"],
            substances=tuple(_substance(row) for row in document["substance"]),
            hs_codes=tuple(
                HsCode(row["code"], row["description"], row["source"])
                for row in document.get("hs_code", ())
            ),
        )
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{where}: {exc}") from exc
    except KeyError as exc:
        raise InvalidInput(f"{where}: missing field {exc}") from exc


def load_reference(path: Path | None = None) -> ReferenceData:
    """The reference data in `path`, or the copy shipped in the package (read once)."""
    if path is not None:
        return parse_reference(path.read_text(encoding="utf-8"), str(path))
    return _packaged()


@cache
def _packaged() -> ReferenceData:
    text = resources.files("liaison.precursors").joinpath("data/precursors.toml").read_text("utf-8")
    return parse_reference(text)
