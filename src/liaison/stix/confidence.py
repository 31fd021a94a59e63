"""Admiralty information credibility (1–6) and the STIX 2.1 `confidence` property (0–100).

The mapping is the one the STIX 2.1 specification normatively gives in Appendix A, "Confidence
Scales", table "Admiralty Credibility" (STIX Version 2.1, OASIS Standard, 10 June 2021,
https://docs.oasis-open.org/cti/stix/v2.1/os/stix-v2.1-os.html), which the OASIS `stix2`
library also implements (`stix2.confidence.scales.admiralty_credibility_to_value`):

    Admiralty Credibility            STIX confidence value   range of values
    6 - Truth cannot be judged       (not present)           N/A
    5 - Improbable                   10                      0-19
    4 - Doubtful                     30                      20-39
    3 - Possibly True                50                      40-59
    2 - Probably True                70                      60-79
    1 - Confirmed by other sources   90                      80-100

Source reliability (A–F) has no STIX confidence scale: it travels in the handling extension only.
"""

from __future__ import annotations

CREDIBILITY_CONFIDENCE: dict[int, int | None] = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10, 6: None}
"""Admiralty credibility → STIX confidence value, as Appendix A's table gives it."""


def credibility_to_confidence(credibility: int) -> int | None:
    """The STIX `confidence` of an Admiralty credibility; None (omit the property) for 6.

    Raises ValueError for a credibility outside 1–6.
    """
    if credibility not in CREDIBILITY_CONFIDENCE:
        raise ValueError(f"information credibility must be 1-6, not {credibility!r}")
    return CREDIBILITY_CONFIDENCE[credibility]
