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
    confirmed: bool = True


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


def _hs_code(row: dict[str, Any]) -> HsCode:
    return HsCode(row["code"], row["description"], row["source"], row.get("confirmed", True))


def _row_name(row: Any, index: int) -> str:
    key = row.get("key") if isinstance(row, dict) else None
    return f"substance {key!r}" if key else f"substance #{index + 1}"


def _substances(rows: Any, where: str) -> tuple[Substance, ...]:
    """Each [[substance]] row parsed; a missing field names the row it is missing from."""
    if not isinstance(rows, list):
        raise InvalidInput(f"{where}: 'substance' must be an array of tables")
    substances = []
    for index, row in enumerate(rows):
        try:
            substances.append(_substance(row))
        except KeyError as exc:
            raise InvalidInput(f"{where}: {_row_name(row, index)}: missing field {exc}") from exc
    return tuple(substances)


def _check_substance(substance: Substance, hs_known: set[str]) -> list[str]:
    """The problems with one row on its own: kind, CAS, sources, controls, HS codes."""
    name = f"substance {substance.key!r}"
    problems = []
    if substance.kind not in KINDS:
        problems.append(f"{name}: unknown kind {substance.kind!r} (one of {', '.join(KINDS)})")
    if substance.cas is not None and not cas_check_digit_ok(substance.cas):
        problems.append(f"{name}: CAS number {substance.cas!r} fails its check digit")
    if substance.kind in ("salt", "analogue") and substance.parent is None:
        problems.append(f"{name}: a {substance.kind} must name its parent")
    if not substance.sources:
        problems.append(f"{name}: no sources")
    for control in substance.controls:
        if control.jurisdiction not in JURISDICTIONS:
            problems.append(
                f"{name}: unknown jurisdiction {control.jurisdiction!r} "
                f"(one of {', '.join(JURISDICTIONS)})"
            )
        if not control.source:
            problems.append(f"{name}: control {control.instrument!r} has no source")
    problems.extend(
        f"{name}: HS code {code!r} is not in the [[hs_code]] table"
        for code in substance.hs_codes
        if code not in hs_known
    )
    return problems


def _check_links(substances: tuple[Substance, ...]) -> list[str]:
    """The problems across rows: duplicate keys or CAS numbers, missing or circular parents."""
    problems = []
    keys: dict[str, Substance] = {}
    cas_numbers: dict[str, str] = {}
    for substance in substances:
        if substance.key in keys:
            problems.append(f"substance {substance.key!r}: duplicate key")
        keys[substance.key] = substance
        if substance.cas is not None:
            cas = normalise_cas(substance.cas)
            if cas in cas_numbers:
                problems.append(
                    f"substance {substance.key!r}: CAS number {cas} already used by "
                    f"{cas_numbers[cas]!r}"
                )
            cas_numbers.setdefault(cas, substance.key)
    for substance in substances:
        seen = {substance.key}
        parent = substance.parent
        while parent is not None:
            if parent not in keys:
                problems.append(f"substance {substance.key!r}: parent {parent!r} does not exist")
                break
            if parent in seen:
                problems.append(f"substance {substance.key!r}: parent chain loops at {parent!r}")
                break
            seen.add(parent)
            parent = keys[parent].parent
    return problems


def validate_reference(data: ReferenceData, where: str = "precursors.toml") -> None:
    """Reject reference data whose rows break the file's rules, naming every problem.

    Screening trusts the file (a salt's parent exists, a CAS number is well formed, every row
    is cited), so the loader checks it once instead of each reader checking it again.
    """
    hs_known = {hs.code for hs in data.hs_codes}
    problems = [p for s in data.substances for p in _check_substance(s, hs_known)]
    problems += _check_links(data.substances)
    if problems:
        raise InvalidInput(f"{where}: " + "; ".join(problems))


def parse_reference(text: str, where: str = "precursors.toml") -> ReferenceData:
    """Reference data from TOML text; a missing or malformed field is an InvalidInput naming it."""
    try:
        document = tomllib.loads(text)
        data = ReferenceData(
            version=document["version"],
            substances=_substances(document["substance"], where),
            hs_codes=tuple(_hs_code(row) for row in document.get("hs_code", ())),
        )
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInput(f"{where}: {exc}") from exc
    except KeyError as exc:
        raise InvalidInput(f"{where}: missing field {exc}") from exc
    except (TypeError, AttributeError) as exc:
        raise InvalidInput(f"{where}: malformed table ({exc})") from exc
    validate_reference(data, where)
    return data


def load_reference(path: Path | None = None) -> ReferenceData:
    """The reference data in `path`, or the copy shipped in the package (read once)."""
    if path is not None:
        return parse_reference(path.read_text(encoding="utf-8"), str(path))
    return _packaged()


@cache
def _packaged() -> ReferenceData:
    text = resources.files("liaison.precursors").joinpath("data/precursors.toml").read_text("utf-8")
    return parse_reference(text)
