"""The demo's handling extension: what every demo object carries so that it may cross."""

from __future__ import annotations

from typing import Any

from liaison.stix.extensions import HANDLING_EXTENSION_ID, Evaluation, Handling, HandlingCode

CREATED = "2026-11-02T09:30:00.000Z"
"""When every demo object was created (fixed: loading twice stores nothing new)."""


def demo_handling(purpose: str, legal_basis: str, releasable_to: list[str]) -> Handling:
    """The demo's handling: releasable to both parties, with a purpose, a legal basis, an
    evaluation and caveats, so every demo object passes `release.require_evaluation`."""
    return Handling(
        releasable_to=releasable_to,
        purpose=purpose,
        legal_basis=legal_basis,
        handling_codes=[HandlingCode.CRIME_PREVENTION_ONLY, HandlingCode.NO_ONWARD_DISSEMINATION],
        caveats=["Lead only: corroborate before operational use."],
        retain_until="2028-11-02T00:00:00.000Z",
        evaluation=Evaluation(source_reliability="B", information_credibility=2),
    )


def handling_extension(purpose: str, legal_basis: str, releasable_to: list[str]) -> dict[str, Any]:
    """The `extensions` entry of the demo's handling (see `demo_handling`)."""
    return {
        HANDLING_EXTENSION_ID: demo_handling(purpose, legal_basis, releasable_to).as_extension()
    }
