"""Release conditions of what the fraud commands share: TLP marking and the handling extension.

Every share names its purpose, its legal basis, the parties it is releasable to and a retain-until
date (DESIGN.md principle 6); `Release.stamp` puts the TLP marking and the liaison handling
extension (with the officer's evaluation and caveats, which `release.require_evaluation` asks of
what leaves for a foreign party) on an object, so the one visibility policy decides who reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from liaison.errors import InvalidInput
from liaison.stix.extensions import HANDLING_EXTENSION_ID, Evaluation, Handling, HandlingCode
from liaison.stix.release import caveats_of, evaluation_of
from liaison.stix.tlp import Tlp, parse_tlp


@dataclass(frozen=True, slots=True)
class Release:
    """TLP level, releasable-to parties, purpose, legal basis and retention of a share."""

    tlp: Tlp
    releasable_to: tuple[str, ...]
    purpose: str
    legal_basis: str
    retain_days: int
    evaluation: Evaluation | None = None
    caveats: tuple[str, ...] = ()

    @classmethod
    def parse(
        cls, tlp: str, releasable_to: list[str], purpose: str | None, legal_basis: str | None,
        retain_days: int, evaluation: str | None = None, caveats: list[str] | None = None,
    ) -> Release:  # fmt: skip
        """Release conditions from command-line text; InvalidInput names what is missing."""
        try:
            level = parse_tlp(tlp)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from None
        if not releasable_to:
            raise InvalidInput("--releasable-to is required: name the party (e.g. in)")
        if not (purpose and purpose.strip()) or not (legal_basis and legal_basis.strip()):
            raise InvalidInput("--purpose and --legal-basis are required to share")
        if level is Tlp.RED:
            raise InvalidInput("TLP:RED names people, not parties: use amber+strict or amber")
        if not 1 <= retain_days <= 3650:
            raise InvalidInput("--retain-days must be 1-3650")
        return cls(
            level, tuple(releasable_to), purpose.strip(), legal_basis.strip(), retain_days,
            evaluation_of(evaluation), tuple(caveats_of(caveats)),
        )  # fmt: skip

    def retain_until(self, now: datetime | None = None) -> str:
        """The retain-until timestamp, `retain_days` from now."""
        when = (now or datetime.now(UTC)) + timedelta(days=self.retain_days)
        return when.strftime("%Y-%m-%dT%H:%M:%S.000Z")

    def stamp(self, obj: dict[str, Any], own_party: str) -> dict[str, Any]:
        """`obj` with its TLP marking and handling extension (releasable to the named parties
        and to this node's own party, crime-prevention use only, no onward dissemination)."""
        handling = Handling(
            releasable_to=sorted({own_party, *self.releasable_to}),
            purpose=self.purpose,
            legal_basis=self.legal_basis,
            handling_codes=[
                HandlingCode.CRIME_PREVENTION_ONLY,
                HandlingCode.NO_ONWARD_DISSEMINATION,
            ],
            retain_until=self.retain_until(),
            evaluation=self.evaluation,
            caveats=list(self.caveats),
        )
        extensions = dict(obj.get("extensions", {}))
        extensions[HANDLING_EXTENSION_ID] = handling.as_extension()
        return {**obj, "object_marking_refs": [self.tlp.marking_id], "extensions": extensions}
