"""Structure-class rules: RDKit substructure search for the fentanyl-precursor cores.

Canada controls fentanyl precursors together with their "salts, derivatives and analogues", so a
protected (boc), halogenated or salt form of a listed precursor is caught by its core, not by its
name. A record's substance resolves to a structure from its CAS number through the reference
data, or from a systematic name through OPSIN (offline, in Java, through `py2opsin`: one Java
start per batch of names, results cached for the process). Counter-ions and solvents are removed
with RDKit's largest-fragment chooser before the search.

Cores (SMARTS):
- `anilinopiperidine`: a benzene ring whose carbon bears a non-aromatic nitrogen bonded to C4 of a
  saturated piperidine (4-AP, 1-boc-4-AP, ANPP, norfentanyl, fentanyl itself and their ring-
  substituted analogues);
- `piperidinone`: a saturated piperidine whose C4 is a ketone, a hydrate or a ketal
  (4-piperidone, NPP, 1-boc-4-piperidone and their analogues and masked forms).

RDKit and py2opsin belong to the `drugs` extra and load on first use.
"""

from __future__ import annotations

import re
import tempfile
import warnings
from collections.abc import Iterable
from functools import cache
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import Any

from liaison.errors import ConfigError

CORES = {
    "anilinopiperidine": "c!@[#7;!a]-[#6;X4;R1]1-[#6;X4]-[#6;X4]-[#7;!a]-[#6;X4]-[#6;X4]-1",
    "piperidinone": (
        "[$([#6]=[#8]),$([#6;X4](-[#8])-[#8])]1-[#6;X4]-[#6;X4]-[#7;!a]-[#6;X4]-[#6;X4]-1"
    ),
}
"""Core name → SMARTS of the structure-class rules."""

_SYSTEMATIC = re.compile(r"piperid|azinan|azaspiro", re.IGNORECASE)
OPSIN_BATCH = 5_000


def _import(name: str) -> ModuleType:
    try:
        return import_module(name)
    except ImportError:
        raise ConfigError(
            f"structure rules need {name.split('.')[0]}: install liaison with the `drugs` extra "
            "(pip install 'liaison[drugs]')"
        ) from None


@cache
def _patterns() -> dict[str, Any]:
    chem = _import("rdkit.Chem")
    return {core: chem.MolFromSmarts(smarts) for core, smarts in CORES.items()}


@cache
def _chooser() -> Any:
    standardize = _import("rdkit.Chem.MolStandardize.rdMolStandardize")
    return standardize.LargestFragmentChooser()


def cores_of_smiles(smiles: str) -> tuple[str, ...]:
    """The cores the largest fragment of `smiles` contains ((), for unparsable SMILES)."""
    return _cores_cached(smiles)


@cache
def _cores_cached(smiles: str) -> tuple[str, ...]:
    chem = _import("rdkit.Chem")
    rdlogger = _import("rdkit.RDLogger")
    rdlogger.DisableLog("rdApp.*")
    molecule = chem.MolFromSmiles(smiles) if smiles else None
    if molecule is None:
        return ()
    parent = _chooser().choose(molecule)
    return tuple(core for core, pattern in _patterns().items() if parent.HasSubstructMatch(pattern))


def looks_systematic(description: str) -> bool:
    """Whether OPSIN is worth asking about `description`: only names with a piperidine ring
    (`piperid…`, Hantzsch-Widman `azinan…`, spiro ketals `…azaspiro…`) can hold either core,
    so nothing else is sent."""
    return _SYSTEMATIC.search(description) is not None


class Opsin:
    """Systematic names to SMILES through OPSIN, batched, cached for the life of the object."""

    def __init__(self) -> None:
        self.smiles: dict[str, str] = {}
        self.java_starts = 0

    def resolve(self, names: Iterable[str]) -> None:
        """Parse every name not seen before, `OPSIN_BATCH` names per Java start."""
        todo = sorted({name for name in names if name not in self.smiles})
        for start in range(0, len(todo), OPSIN_BATCH):
            batch = todo[start : start + OPSIN_BATCH]
            self.smiles.update(zip(batch, self._parse(batch), strict=True))

    def _parse(self, names: list[str]) -> list[str]:
        py2opsin = _import("py2opsin").py2opsin
        self.java_starts += 1
        with tempfile.TemporaryDirectory() as folder, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = py2opsin(
                [name.replace("\n", " ") for name in names],
                tmp_fpath=str(Path(folder) / "names.txt"),
            )
        if isinstance(result, str):
            result = [result]
        if not isinstance(result, list) or len(result) != len(names):
            raise ConfigError("OPSIN did not answer: is a Java runtime (17+) installed?")
        return [str(smiles or "") for smiles in result]

    def smiles_of(self, name: str) -> str:
        """The SMILES OPSIN gave for `name` ("" when it could not parse it or was not asked)."""
        return self.smiles.get(name, "")
