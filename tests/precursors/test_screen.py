"""The screening rules one by one, the flagging policy, and the must-show recall and FP rate."""

from __future__ import annotations

from collections import Counter

import pytest

from liaison.precursors.companies import LinkedCompany, company_key
from liaison.precursors.reference import load_reference
from liaison.precursors.screen import Reason, Screener, ScreenResult, is_flagged
from liaison.precursors.shipments import Shipment
from liaison.precursors.synthetic import EXACT, TECHNIQUES, generate

REFERENCE = load_reference()
SYSTEMATIC = (
    "tert-butyl 4-[(3-chlorophenyl)amino]piperidine-1-carboxylate",
    "1-[2-(4-bromophenyl)ethyl]piperidin-4-one hydrochloride",
    "piperidine", "4-piperidinemethanol", "ethyl piperidine-4-carboxylate",
    "N-phenylpiperidine-4-carboxamide", "1-(2-phenylethyl)piperidine", "4-anilinopiperidine",
)  # fmt: skip
"""Every name these tests send to OPSIN, resolved in one Java start."""


@pytest.fixture(scope="module")
def screener() -> Screener:
    linked = {company_key("Kestrel Jade Trading Co., Ltd."): LinkedCompany(
        "Kestrel Jade Trading Co., Ltd.", "incident--8e0f4b62-94a4-4a54-9ad5-3f0c1d2e7a11",
        "broker")}  # fmt: skip
    screener = Screener(REFERENCE, linked=linked)
    screener.prepare(Shipment("warm", name) for name in SYSTEMATIC)
    return screener


def screen(screener: Screener, **fields: str) -> ScreenResult:
    shipment = Shipment(**{"id": "T1", **fields})  # type: ignore[arg-type]
    return screener.screen(shipment)


def codes(result: ScreenResult) -> set[str]:
    return {reason.code for reason in result.reasons}


def test_exact_cas_hit(screener: Screener) -> None:
    result = screen(screener, description="N-phenethyl-4-piperidone", cas="39742604")
    assert result.flagged and {"cas", "name", "structure-piperidinone"} <= codes(result)
    assert result.substance is not None and result.substance.key == "npp"


def test_salt_cas_maps_to_its_parent(screener: Screener) -> None:
    salt = next(s for s in REFERENCE.substances if s.kind == "salt" and s.cas)
    result = screen(screener, description=salt.name, cas=salt.cas or "")
    assert result.flagged and "cas-salt" in codes(result)
    assert result.controlled_as is REFERENCE.parent_of(salt)


def test_precursor_cas_under_a_benign_description_is_mislabelled(screener: Screener) -> None:
    result = screen(screener, description="Sodium chloride", cas="21409-26-7")
    assert result.flagged and {"cas", "mislabelled"} <= codes(result)


def test_precursor_name_under_another_cas_is_mislabelled(screener: Screener) -> None:
    result = screen(screener, description="NPP", cas="67-64-1")
    assert "mislabelled" in codes(result)


def test_benign_description_under_a_precursor_subheading_is_mislabelled(
    screener: Screener,
) -> None:
    result = screen(screener, description="Toluene", hs_code="2933.37.00")
    assert result.flagged and {"hs-code", "mislabelled"} <= codes(result)


def test_catch_all_subheading_with_a_fitting_description_does_not_flag(
    screener: Screener,
) -> None:
    result = screen(screener, description="3-Picoline", cas="108-99-6", hs_code="293339",
                    origin="CN", destination="CA", route="CN>HK>CA")  # fmt: skip
    assert codes(result) == {"hs-code-broad", "routing"} and not result.flagged


def test_precursor_outside_heading_2933_is_misdeclared(screener: Screener) -> None:
    result = screen(screener, description="4-anilinopiperidine", hs_code="3824.99")
    assert result.flagged and "hs-misdeclared" in codes(result)


def test_designer_precursors_caught_by_structure_through_opsin(screener: Screener) -> None:
    boc = screen(
        screener, description="tert-butyl 4-[(3-chlorophenyl)amino]piperidine-1-carboxylate"
    )
    assert boc.flagged and codes(boc) == {"structure-anilinopiperidine"}
    assert boc.substance is None and boc.cores == ("anilinopiperidine",)
    salt = screen(screener, description="1-[2-(4-bromophenyl)ethyl]piperidin-4-one hydrochloride")
    assert salt.flagged and "structure-piperidinone" in codes(salt)


@pytest.mark.parametrize(
    "description",
    [name for name in SYSTEMATIC if "phenylamino" not in name and "-4-one" not in name
     and "(3-chloro" not in name and "anilino" not in name],
)  # fmt: skip
def test_piperidines_without_the_cores_pass(screener: Screener, description: str) -> None:
    result = screen(screener, description=description)
    assert not result.flagged and result.cores == ()


def test_linked_company_flags_alone(screener: Screener) -> None:
    result = screen(screener, description="Acetone", shipper="KESTREL JADE TRADING")
    assert result.flagged and codes(result) == {"linked-company"}
    assert "incident--8e0f4b62" in result.reasons[0].detail


def test_routing_findings(screener: Screener) -> None:
    result = screen(screener, description="Acetone", origin="IN", destination="CA",
                    route="CN>AE>NL>MX>CA")  # fmt: skip
    [reason] = result.reasons
    assert reason.code == "routing" and not result.flagged
    for part in ("declared origin IN", "hub AE, NL, MX", "3 transit countries"):
        assert part in reason.detail


def test_flagging_policy() -> None:
    assert is_flagged([Reason("name", "")])
    assert not is_flagged([Reason("routing", ""), Reason("hs-code-broad", "")])
    assert not is_flagged([Reason("hs-code", ""), Reason("salt-form", "")])
    assert is_flagged([Reason("hs-code", ""), Reason("routing", "")])


def test_recall_and_false_positive_rate_on_10000_generated_records() -> None:
    records = generate(10_000, seed=11)
    screener = Screener(REFERENCE)
    results = [result for _, result in screener.screen_all(r.shipment for r in records)]
    planted = [(r, res) for r, res in zip(records, results, strict=True) if r.precursor]
    benign = [(r, res) for r, res in zip(records, results, strict=True) if not r.precursor]
    techniques = Counter(r.technique for r, _ in planted)
    assert set(techniques) == set(TECHNIQUES) and min(techniques.values()) >= 10
    assert sum(n for t, n in techniques.items() if t in EXACT) >= 50
    missed = [(r.technique, r.shipment.description) for r, res in planted if not res.flagged]
    assert missed == []
    false_positives = sum(res.flagged for _, res in benign)
    assert false_positives / len(benign) < 0.01
    assert screener.opsin.java_starts == 1
