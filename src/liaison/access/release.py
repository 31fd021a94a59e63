"""Release gating at write time: which objects of a write a node holds back from peers, and why.

With `release.require_evaluation` on, the visibility policy (`liaison.access.visibility`, rule 4)
hides from peer nodes every object without an evaluation and caveats. That is decided at read
time; this module tells the writer at write time, so nothing is held back silently: a TAXII POST's
status gives each such object `HELD_BACK` as its message, and every write that stores some (a
POST, `liaison import`) leaves one `objects.held_back` audit entry naming them, in the same
transaction as the write.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy.orm import Session

from liaison.audit.log import record
from liaison.stix.canonical import canonical_digest
from liaison.stix.extensions import is_evaluated

HELD_BACK = "held back from peers: no evaluation and caveats (release.require_evaluation)"
HELD_BACK_KIND = "objects.held_back"
HELD_BACK_IDS_MAX = 1000  # an entry lists up to this many ids; a digest covers them all


def held_back(objects: Iterable[Any], *, require_evaluation: bool) -> list[str]:
    """Ids of the objects a node holds back from peers, in order and once each.

    None when `require_evaluation` is off; otherwise every object without an evaluation and
    caveats in its handling extension (`liaison.stix.extensions.is_evaluated`).
    """
    if not require_evaluation:
        return []
    ids = (
        str(obj.get("id", ""))
        for obj in objects
        if isinstance(obj, Mapping) and not is_evaluated(obj)
    )
    return list(dict.fromkeys(ids))


def record_held_back(session: Session, actor: str, collection_id: str, ids: list[str]) -> None:
    """Append the `objects.held_back` entry of one write (nothing when `ids` is empty).

    The entry names the collection, the reason and the ids (up to HELD_BACK_IDS_MAX of them, with
    the SHA-256 of the canonical JSON of the whole list, so a large write stays one small entry).
    """
    if not ids:
        return
    details: dict[str, Any] = {
        "collection": collection_id, "reason": HELD_BACK, "count": len(ids),
        "ids_sha256": canonical_digest(ids),
    }  # fmt: skip
    if len(ids) <= HELD_BACK_IDS_MAX:
        details["ids"] = ids
    record(session, HELD_BACK_KIND, actor, details)
