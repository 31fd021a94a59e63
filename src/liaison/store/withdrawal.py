"""Withdrawal: the originator takes back an object it shared, and every node stops serving it.

A withdrawal is a new version of the object: its latest version with `revoked: true`, a strictly
later `modified`, and the reason in the handling extension's `withdrawal_reason` (the node signs
it at egress like any object it originates). Storing it, like storing any revoked version, marks
every stored version of the object `withdrawn` and appends an `object.withdrawn` audit entry
(`liaison.store.revocation`, called by `add_objects` in the same transaction). The visibility
policy hides withdrawn rows from every reader except peer nodes, which still see the revoked
version itself, so the withdrawal reaches every peer that holds the object. See docs/withdrawal.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from liaison.stix.extensions import HANDLING_EXTENSION_ID, SIGNATURE_EXTENSION_ID
from liaison.stix.timestamps import (
    format_timestamp,
    key_to_micros,
    micros_to_datetime,
    now_micros,
)
from liaison.store.models import Collection, StixObject
from liaison.store.objects import Origin, add_objects
from liaison.store.revocation import REASON_FIELD


@dataclass(frozen=True, slots=True)
class Withdrawal:
    """A withdrawal done here: the object, its revoked version, the reason, where it was stored."""

    id: str
    version: str
    reason: str
    collections: list[str]

    def as_json(self) -> dict[str, Any]:
        """The withdrawal as the CLI's and API's JSON."""
        return {
            "id": self.id,
            "version": self.version,
            "reason": self.reason,
            "collections": self.collections,
        }


def _later_than(version: str) -> str:
    """Now as a STIX timestamp (milliseconds), or the next millisecond after `version`."""
    millis = max(now_micros() // 1000, key_to_micros(version) // 1000 + 1)
    return format_timestamp(micros_to_datetime(millis * 1000))


def revoked_version(body: Mapping[str, Any], reason: str, modified: str) -> dict[str, Any]:
    """`body` as a revoked new version carrying `reason`, without any relayed signature."""
    obj = dict(body)
    extensions = {
        key: value
        for key, value in dict(obj.get("extensions") or {}).items()
        if key != SIGNATURE_EXTENSION_ID
    }
    handling = dict(extensions.get(HANDLING_EXTENSION_ID) or {})
    handling.setdefault("extension_type", "property-extension")
    extensions[HANDLING_EXTENSION_ID] = handling | {REASON_FIELD: reason}
    return obj | {"extensions": extensions, "revoked": True, "modified": modified}


def _versions(session: Session, object_id: str) -> list[StixObject]:
    """Every stored version of `object_id`, in every collection, newest first."""
    statement = (
        select(StixObject).where(StixObject.id == object_id).order_by(StixObject.modified.desc())
    )
    return list(session.scalars(statement))


def _check_withdrawable(
    rows: Sequence[StixObject], object_id: str, node: str, party: str | None
) -> None:
    """Raise the error that says why `rows` (of `object_id`) cannot be withdrawn by `node`."""
    if not rows or (party is not None and rows[0].origin_party != party):
        owned = f" originated by party '{party}'" if party is not None else ""
        raise NotFound(f"no object '{object_id}'{owned} on this node")
    others = sorted({row.origin_node for row in rows} - {node})
    if others:
        raise PermissionDenied(
            f"'{object_id}' originated at node '{others[0]}': only its originator may withdraw it"
        )
    if any(row.withdrawn for row in rows):
        raise Conflict(f"'{object_id}' is already withdrawn")
    if any(row.revoked for row in rows):
        raise Conflict(f"'{object_id}' is already revoked")
    if "modified" not in rows[0].body:
        raise InvalidInput(f"'{object_id}' has no versions ('modified'), so it cannot be revoked")


def withdraw_object(
    session: Session,
    object_id: str,
    reason: str,
    *,
    node: str,
    actor: str,
    party: str | None = None,
) -> Withdrawal:
    """Store the revoked version of `object_id` in every collection holding it, in one transaction.

    Only the originating node may withdraw (PermissionDenied otherwise); with `party`, only that
    party's objects are found (an API caller's). NotFound for an unknown object, Conflict for one
    already withdrawn, InvalidInput for an empty reason or an object STIX cannot revoke.
    """
    reason = reason.strip()
    if not reason:
        raise InvalidInput("a withdrawal needs a reason")
    rows = _versions(session, object_id)
    _check_withdrawable(rows, object_id, node, party)
    latest = rows[0]
    new = revoked_version(latest.body, reason, _later_than(latest.modified))
    collections = sorted({row.collection_id for row in rows})
    origin = Origin(node, latest.origin_party)
    for collection_id in collections:
        collection = session.get_one(Collection, collection_id)
        add_objects(session, collection, [new], origin=origin, actor=actor)
    return Withdrawal(object_id, new["modified"], reason, collections)
