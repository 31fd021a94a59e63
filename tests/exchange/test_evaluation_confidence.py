"""Admiralty credibility ↔ STIX confidence: the STIX 2.1 Appendix A table, both ways."""

from __future__ import annotations

import pytest
from stix2.confidence.scales import admiralty_credibility_to_value, value_to_admiralty_credibility

from liaison.stix.confidence import confidence_to_credibility, credibility_to_confidence

SCALE = {
    1: "1 - Confirmed by other sources",
    2: "2 - Probably True",
    3: "3 - Possibly True",
    4: "4 - Doubtful",
    5: "5 - Improbable",
    6: "6 - Truth cannot be judged",
}


@pytest.mark.parametrize(
    ("credibility", "confidence"), [(1, 90), (2, 70), (3, 50), (4, 30), (5, 10), (6, None)]
)
def test_the_appendix_a_table(credibility: int, confidence: int | None) -> None:
    assert credibility_to_confidence(credibility) == confidence
    assert confidence_to_credibility(confidence) == credibility


def test_agrees_with_the_oasis_library_on_every_value() -> None:
    for credibility in range(1, 6):
        assert credibility_to_confidence(credibility) == admiralty_credibility_to_value(
            SCALE[credibility]
        )
    with pytest.raises(ValueError, match="cannot be determined"):
        admiralty_credibility_to_value(SCALE[6])  # the library agrees: 6 has no value
    for value in range(101):
        assert SCALE[confidence_to_credibility(value)] == value_to_admiralty_credibility(value)


@pytest.mark.parametrize(("value", "credibility"), [(0, 5), (19, 5), (20, 4), (59, 3), (60, 2), (79, 2), (80, 1), (100, 1)])  # fmt: skip
def test_range_edges(value: int, credibility: int) -> None:
    assert confidence_to_credibility(value) == credibility


@pytest.mark.parametrize("credibility", [0, 7, -1])
def test_credibility_out_of_range(credibility: int) -> None:
    with pytest.raises(ValueError, match="1-6"):
        credibility_to_confidence(credibility)


@pytest.mark.parametrize("value", [-1, 101])
def test_confidence_out_of_range(value: int) -> None:
    with pytest.raises(ValueError, match="0-100"):
        confidence_to_credibility(value)
