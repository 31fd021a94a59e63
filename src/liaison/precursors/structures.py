"""Structure-class rules: RDKit substructure search for the fentanyl-precursor cores.

Canada controls fentanyl precursors together with their "salts, derivatives and analogues", so a
protected (boc), halogenated or salt form of a listed precursor is caught by its core, not by its
name. A record's substance resolves to a structure from its CAS number through the reference
data, or from a systematic name through OPSIN (offline, in Java: the jar `py2opsin` ships, run
once per screening and fed name by name; results cached). Counter-ions and solvents are removed
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

import atexit
import re
import shutil
import subprocess
import threading
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
OPSIN_BATCH = 256
OPSIN_LONGEST = 1_000
"""Longer descriptions are not names OPSIN could parse; they are not sent."""


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
    """Systematic names to SMILES through one OPSIN process, started on first use and fed name
    by name over pipes (OPSIN answers each line at once, an empty line when it cannot parse a
    name), results cached for the life of the object; `close` ends the process."""

    def __init__(self) -> None:
        self.smiles: dict[str, str] = {}
        self.java_starts = 0
        self._process: subprocess.Popen[str] | None = None
        self._lock = threading.Lock()

    def resolve(self, names: Iterable[str]) -> None:
        """Parse every name not seen before, `OPSIN_BATCH` names written before their answers
        are read (so neither pipe fills while the other waits)."""
        todo = sorted({n for n in names if n not in self.smiles and len(n) <= OPSIN_LONGEST})
        for start in range(0, len(todo), OPSIN_BATCH):
            batch = todo[start : start + OPSIN_BATCH]
            self.smiles.update(zip(batch, self._parse(batch), strict=True))

    def _started(self) -> subprocess.Popen[str]:
        if self._process is None or self._process.poll() is not None:
            package = Path(_import("py2opsin").__file__ or "").parent
            jars = sorted(package.glob("opsin*.jar"))
            java = shutil.which("java")
            if not jars or java is None:
                raise ConfigError("OPSIN needs a Java runtime (17+) and the py2opsin jar")
            self._process = subprocess.Popen(  # noqa: S603 - fixed argument list
                [java, "-jar", str(jars[-1]), "-osmi"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                text=True, encoding="utf-8", bufsize=1,
            )  # fmt: skip
            self.java_starts += 1
        return self._process

    def _parse(self, names: list[str]) -> list[str]:
        with self._lock:
            return self._exchange(names)

    def _exchange(self, names: list[str]) -> list[str]:
        process = self._started()
        assert process.stdin is not None and process.stdout is not None
        try:
            process.stdin.write("".join(_one_line(name) + "\n" for name in names))
            process.stdin.flush()
            answers = [process.stdout.readline() for _ in names]
        except OSError as exc:
            raise ConfigError(f"OPSIN stopped answering: {exc}") from exc
        if not all(answer.endswith("\n") for answer in answers):
            raise ConfigError("OPSIN stopped answering: is a Java runtime (17+) installed?")
        return [answer.strip() for answer in answers]

    def smiles_of(self, name: str) -> str:
        """The SMILES OPSIN gave for `name` ("" when it could not parse it or was not asked)."""
        return self.smiles.get(name, "")

    def close(self) -> None:
        """End the OPSIN process, if one was started."""
        if self._process is not None:
            if self._process.stdin is not None:
                self._process.stdin.close()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            if self._process.stdout is not None:
                self._process.stdout.close()
            self._process = None


def _one_line(name: str) -> str:
    """A name as one line of OPSIN's input (line breaks and control characters as spaces)."""
    return "".join(" " if ord(ch) < 32 else ch for ch in name)


@cache
def shared_opsin() -> Opsin:
    """The process's one OPSIN (one Java start per process, answers cached across screenings,
    so a server screening many requests starts Java once); ended when the process exits."""
    opsin = Opsin()
    atexit.register(opsin.close)
    return opsin
