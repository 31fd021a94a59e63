"""Name matching: obfuscated spellings of reference names hit, neighbouring chemicals do not."""

from __future__ import annotations

import pytest

from liaison.precursors.names import NameIndex
from liaison.precursors.reference import load_reference


@pytest.fixture(scope="module")
def index() -> NameIndex:
    return NameIndex(load_reference())


@pytest.mark.parametrize(
    ("description", "key"),
    [
        ("N-phenethyl-4-piperidone", "npp"),
        ("NPP", "npp"),
        ("N.P.P", "npp"),
        ("n p p 25kg", "npp"),
        ("N-phenethy1-4-piper1d0ne", "npp"),
        ("N-phenethyl-4-piperidon, technical grade", "npp"),
        ("N-PHENETHYL-4-PIPERIDONE HCl", "npp"),
        ("1-(2-phenylethyl)piperidin-4-one oxalate 99%", "npp"),
        ("4 - A P", "4-ap"),
        ("ANPP", "anpp"),
        ("4-anilin0-N-phenethylpiperidine", "anpp"),
    ],
)
def test_obfuscated_names_hit(index: NameIndex, description: str, key: str) -> None:
    hit = index.find(description)
    assert hit is not None, description
    assert load_reference().parent_of(hit.substance).key == key


def test_salt_words_are_reported(index: NameIndex) -> None:
    hit = index.find("NPP hydrochloride")
    assert hit is not None and "hydrochloride" in hit.salt_words


@pytest.mark.parametrize(
    "description",
    [
        "Piperidine", "4-Piperidinemethanol", "4-Aminopyridine", "Aniline", "Acetone",
        "2-Phenylethanol", "4-Methylpiperidine", "Ethyl piperidine-4-carboxylate", "Pyridine",
        "Nicotinamide", "Sodium chloride 25kg bags", "N,N-Dimethylformamide", "Morpholine",
    ],
)  # fmt: skip
def test_neighbouring_chemicals_do_not_hit(index: NameIndex, description: str) -> None:
    assert index.find(description) is None


def test_every_reference_name_finds_its_substance(index: NameIndex) -> None:
    reference = load_reference()
    for substance in reference.substances:
        for name in substance.names:
            hit = index.find(name)
            assert hit is not None, name
            assert reference.parent_of(hit.substance) is reference.parent_of(substance), name
