"""Admiralty credibility → STIX confidence: the STIX 2.1 Appendix A table."""

from __future__ import annotations

import pytest
from stix2.confidence.scales import admiralty_credibility_to_value

from liaison.stix.confidence import credibility_to_confidence

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


def test_agrees_with_the_oasis_library_on_every_value() -> None:
    for credibility in range(1, 6):
        assert credibility_to_confidence(credibility) == admiralty_credibility_to_value(
            SCALE[credibility]
        )
    with pytest.raises(ValueError, match="cannot be determined"):
        admiralty_credibility_to_value(SCALE[6])  # the library agrees: 6 has no value


@pytest.mark.parametrize("credibility", [0, 7, -1])
def test_credibility_out_of_range(credibility: int) -> None:
    with pytest.raises(ValueError, match="1-6"):
        credibility_to_confidence(credibility)
