"""Building the STIX objects of requests for information.

Each object is a new SDO of the liaison RFI extension (`liaison.stix.rfi`), marked TLP:AMBER and
carrying the liaison handling extension with `releasable_to` = the two parties of the RFI, so the
visibility policy lets exactly those two parties see it, wherever it is stored.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from liaison.stix.extensions import (
    HANDLING_EXTENSION_ID,
    RFI_EVENT_TYPE,
    RFI_EXTENSION_ID,
    RFI_TYPE,
    Handling,
)
from liaison.stix.tlp import Tlp


def _extensions(
    parties: Sequence[str], purpose: str | None = None, legal_basis: str | None = None
) -> dict[str, Any]:
    handling = Handling(
        releasable_to=sorted(set(parties)), purpose=purpose, legal_basis=legal_basis
    )
    return {
        RFI_EXTENSION_ID: {"extension_type": "new-sdo"},
        HANDLING_EXTENSION_ID: handling.as_extension(),
    }


def _common(kind: str, created: str) -> dict[str, Any]:
    return {
        "type": kind,
        "spec_version": "2.1",
        "id": f"{kind}--{uuid.uuid4()}",
        "created": created,
        "modified": created,
        "object_marking_refs": [Tlp.AMBER.marking_id],
    }


def _optional(**values: Any) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value not in (None, "", [], ())}


def rfi_object(
    *,
    requester: str,
    addressee: str,
    pillar: str,
    priority: str,
    due: str,
    question: str,
    created: str,
    purpose: str | None = None,
    legal_basis: str | None = None,
    refs: Sequence[str] = (),
) -> dict[str, Any]:
    """A new `liaison-rfi` object: `requester` asks `addressee` a question, due by `due`."""
    return {
        **_common(RFI_TYPE, created),
        "question": question, "pillar": pillar, "priority": priority, "due": due,
        "requester": requester, "addressee": addressee,
        **_optional(purpose=purpose, legal_basis=legal_basis, object_refs=list(refs)),
        "extensions": _extensions((requester, addressee), purpose, legal_basis),
    }  # fmt: skip


def event_object(
    *,
    rfi_id: str,
    previous: str,
    event_type: str,
    party: str,
    parties: Sequence[str],
    created: str,
    text: str | None = None,
    reason: str | None = None,
    refs: Sequence[str] = (),
) -> dict[str, Any]:
    """A new `liaison-rfi-event`: `party` takes step `event_type` on RFI `rfi_id`.

    `previous` is the step it follows: the RFI's id for its first step, else the id of the event
    that was the RFI's latest step when this one was taken (`RfiStatus.head`).
    """
    return {
        **_common(RFI_EVENT_TYPE, created),
        "rfi_ref": rfi_id, "previous_ref": previous, "event_type": event_type, "party": party,
        **_optional(text=text, reason=reason, object_refs=list(refs)),
        "extensions": _extensions(parties),
    }  # fmt: skip
