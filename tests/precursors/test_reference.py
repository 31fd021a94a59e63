"""The packaged precursor reference data: CAS check digits, structures, sources, parents, loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from liaison.errors import InvalidInput
from liaison.precursors.reference import (
    JURISDICTIONS,
    KINDS,
    ReferenceData,
    Substance,
    cas_check_digit_ok,
    load_reference,
    normalise_cas,
    parse_reference,
)

rdkit_chem = pytest.importorskip("rdkit.Chem")

NAMED = {
    "npp": "39742-60-4",
    "anpp": "21409-26-7",
    "4-ap": "23056-29-3",
    "boc-4-ap": "125541-22-2",
    "norfentanyl": "1609-66-1",
    "4-piperidone": "41661-47-6",
    "boc-4-piperidone": "79099-07-3",
}

MINIMAL = """
version = "t.1"
[[hs_code]]
code = "2933.39"
description = "other"
source = "https://example.org/hs"
[[substance]]
key = "base"
name = "base"
kind = "precursor"
cas = "41661-47-6"
smiles = "O=C1CCNCC1"
inchikey = "VRJHQPZVIGNGMX-UHFFFAOYSA-N"
hs_codes = ["2933.39"]
sources = ["https://example.org/base"]
"""


def row(**fields: str) -> str:
    """A second [[substance]] row; each field is given as its TOML value text."""
    values = {
        "key": '"form"',
        "name": '"form"',
        "kind": '"salt"',
        "parent": '"base"',
        "smiles": '"O=C1CCNCC1.Cl"',
        "inchikey": '"X"',
        "sources": '["https://example.org/form"]',
    } | fields
    body = "\n".join(f"{name} = {value}" for name, value in values.items() if value)
    return f"\n[[substance]]\n{body}\n"


@pytest.fixture(scope="module")
def data() -> ReferenceData:
    return load_reference()


def test_the_packaged_file_loads_through_importlib_resources(data: ReferenceData) -> None:
    assert data.version.count(".") == 2
    assert len(data.substances) >= 20
    assert load_reference() is data  # read once


@pytest.mark.parametrize("key", sorted(NAMED))
def test_the_seven_named_precursors_are_present_with_their_cas(
    data: ReferenceData, key: str
) -> None:
    substance = data.by_key(key)
    assert substance.kind == "precursor"
    assert substance.cas == NAMED[key]
    assert data.by_cas(NAMED[key]) is substance


def test_every_cas_number_passes_its_check_digit(data: ReferenceData) -> None:
    bad = [s.cas for s in data.substances if s.cas is not None and not cas_check_digit_ok(s.cas)]
    assert bad == []
    assert sum(s.cas is not None for s in data.substances) >= 10


@pytest.mark.parametrize(
    "cas", ["39742-60-5", "21409-26-0", "1609-66", "1609-6-1", "ab-cd-e", "12345678-12-3", ""]
)
def test_the_check_digit_function_rejects_bad_numbers(cas: str) -> None:
    assert not cas_check_digit_ok(cas)


def test_normalise_cas_reads_common_spellings() -> None:
    assert normalise_cas("0039742604") == "39742-60-4"
    assert normalise_cas(" 39742 60 4 ") == "39742-60-4"


def test_every_smiles_parses_and_gives_the_stored_inchikey(data: ReferenceData) -> None:
    wrong = []
    for substance in data.substances:
        molecule = rdkit_chem.MolFromSmiles(substance.smiles)
        assert molecule is not None, substance.key
        if rdkit_chem.MolToInchiKey(molecule) != substance.inchikey:
            wrong.append(substance.key)
    assert wrong == []


def test_salts_carry_their_counter_ion(data: ReferenceData) -> None:
    salts = [s for s in data.substances if s.kind == "salt"]
    assert len(salts) >= 5
    assert all("." in s.smiles for s in salts)


def test_every_row_and_control_is_sourced(data: ReferenceData) -> None:
    for substance in data.substances:
        assert substance.sources, substance.key
        assert all(url.startswith(("http://", "https://")) for url in substance.sources)
        for control in substance.controls:
            assert control.source.startswith(("http://", "https://")), substance.key
            assert control.jurisdiction in JURISDICTIONS
    assert all(hs.source.startswith(("http://", "https://")) for hs in data.hs_codes)


def test_kinds_are_known_and_parents_are_precursors(data: ReferenceData) -> None:
    for substance in data.substances:
        assert substance.kind in KINDS
        if substance.kind in ("salt", "analogue"):
            assert substance.parent is not None, substance.key
        if substance.parent is not None:
            assert data.by_key(substance.parent).kind == "precursor", substance.key


def test_every_named_precursor_has_a_un_control_with_its_year(data: ReferenceData) -> None:
    years = {"npp": 2017, "anpp": 2017, "4-ap": 2022, "boc-4-ap": 2022, "norfentanyl": 2022}
    years |= {"4-piperidone": 2024, "boc-4-piperidone": 2024}
    for key, year in years.items():
        un = [c for c in data.by_key(key).controls if c.jurisdiction == "UN"]
        assert [c.year for c in un] == [year], key
        assert any(c.jurisdiction == "CA" for c in data.by_key(key).controls), key


def test_unconfirmed_controls_are_marked(data: ReferenceData) -> None:
    india = [c for c in data.by_key("npp").controls if c.jurisdiction == "IN"]
    assert india and not india[0].confirmed
    assert "controls.IN" in data.by_key("npp").unconfirmed


def test_anpp_and_npp_have_their_own_hs_subheadings(data: ReferenceData) -> None:
    assert data.by_key("anpp").hs_codes == ("2933.36",)
    assert data.by_key("npp").hs_codes == ("2933.37",)
    codes = {hs.code for hs in data.hs_codes}
    assert {"2933.36", "2933.37", "2933.39"} <= codes
    assert all(set(s.hs_codes) <= codes for s in data.substances)


def test_a_salt_cas_leads_to_its_parent(data: ReferenceData) -> None:
    salt = data.by_cas("320589773")
    assert salt is not None and salt.kind == "salt"
    assert data.parent_of(salt).key == "4-piperidone"
    precursor = data.by_key("npp")
    assert data.parent_of(precursor) is precursor


def test_names_include_customs_spellings(data: ReferenceData) -> None:
    names = {name.lower() for name in data.by_key("boc-4-ap").names}
    assert {"1-boc-4-ap", "tert-butyl 4-(phenylamino)piperidine-1-carboxylate"} <= names
    assert "4-anpp" in {n.lower() for n in data.by_key("anpp").names}


def test_a_minimal_file_parses() -> None:
    data = parse_reference(MINIMAL + row())
    assert isinstance(data.by_key("form"), Substance)
    assert data.parent_of(data.by_key("form")).key == "base"


def test_load_reference_reads_a_given_path(tmp_path: Path) -> None:
    path = tmp_path / "ref.toml"
    path.write_text(MINIMAL, encoding="utf-8")
    assert load_reference(path).version == "t.1"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version = ", "precursors.toml"),
        ('[[substance]]\nkey = "a"', "missing field 'version'"),
        ('version = "1"', "missing field 'substance'"),
        ('version = "1"\nsubstance = 3', "'substance' must be an array of tables"),
        (MINIMAL + row(name=""), "substance 'form': missing field 'name'"),
        (MINIMAL + row(kind='"mixture"'), "unknown kind 'mixture'"),
        (MINIMAL + row(parent='"nothing"'), "parent 'nothing' does not exist"),
        (MINIMAL + row(parent=""), "a salt must name its parent"),
        (MINIMAL + row(key='"base"', kind='"precursor"', parent=""), "duplicate key"),
        (MINIMAL + row(cas='"0041661-47-6"'), "already used by 'base'"),
        (MINIMAL + row(cas='"41661-47-7"'), "fails its check digit"),
        (MINIMAL + row(sources="[]"), "substance 'form': no sources"),
        (MINIMAL + row(hs_codes='["2933.99"]'), "HS code '2933.99' is not in the [[hs_code]]"),
        (
            MINIMAL
            + row(
                controls='[{jurisdiction = "US", instrument = "i", listing = "l", source = "s"}]'
            ),
            "unknown jurisdiction 'US'",
        ),
        (
            MINIMAL + row(controls='[{jurisdiction = "CA", listing = "l", source = "s"}]'),
            "missing field 'instrument'",
        ),
        (
            MINIMAL + row(key='"a"', parent='"b"') + row(key='"b"', parent='"a"'),
            "parent chain loops",
        ),
    ],
)
def test_malformed_files_are_rejected_naming_the_problem(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_reference(text)
    assert message in str(caught.value)
