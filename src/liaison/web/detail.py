"""What an object's detail page shows besides its JSON: its signature status and audit trail.

The signature is checked with `liaison.federation.signing.verify_object` against this node's own
key and every peer's key: a received object carries the signature it arrived with; an object
this node originated carries one once it has been served to a peer (the egress cache). The
audit trail lists the log entries that name the object, for the roles the audit API serves
(auditors and admins); others are told where to ask.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.access.models import Role
from liaison.audit.routes import ENTRY_READERS
from liaison.config import Settings
from liaison.federation.keys import key_id, load_key, verify_key
from liaison.federation.peers import peer_keys
from liaison.federation.signing import SignatureInvalid, verify_object, with_signature
from liaison.stix.extensions import SIGNATURE_EXTENSION_ID
from liaison.store.models import AuditEntry, StixObject

TRAIL_MAX = 50


@dataclass(frozen=True, slots=True)
class SignatureStatus:
    """The outcome of a signature check, in words, and whether it holds."""

    state: str  # "valid", "invalid" or "unsigned"
    message: str


def _keys(session: Session, settings: Settings) -> dict[str, Any]:
    keys = {kid: verify_key(public) for kid, public in peer_keys(session).items()}
    if settings.key_path.exists():
        own = load_key(settings.key_path)
        keys[key_id(own)] = verify_key(own.public_key())
    return keys


def _signed_form(row: StixObject) -> dict[str, Any] | None:
    body = row.body
    extensions = body.get("extensions")
    if isinstance(extensions, dict) and SIGNATURE_EXTENSION_ID in extensions:
        return body
    if row.signature:
        return with_signature(body, orjson.loads(row.signature))
    return None


def signature_status(session: Session, settings: Settings, row: StixObject) -> SignatureStatus:
    """Check the row's signature (as received, or as this node serves it to peers)."""
    signed = _signed_form(row)
    if signed is None:
        if row.origin_node == settings.node_name:
            return SignatureStatus(
                "unsigned", "originated here; signed when first served to a peer"
            )
        return SignatureStatus("unsigned", "no liaison signature")
    try:
        signer = verify_object(signed, _keys(session, settings))
    except SignatureInvalid as exc:
        return SignatureStatus("invalid", exc.message)
    return SignatureStatus("valid", f"signed by node {signer.node} for party {signer.party}")


def may_read_audit(role: Role) -> bool:
    """Whether `role` may read audit entries (the audit API's own rule)."""
    return role in ENTRY_READERS


def audit_trail(session: Session, object_id: str) -> list[dict[str, Any]]:
    """The newest audit entries whose text names `object_id`, newest first."""
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.entry.contains(object_id, autoescape=True))
        .order_by(AuditEntry.index.desc())
        .limit(TRAIL_MAX)
    )
    return [{"index": e.index, **orjson.loads(e.entry)} for e in entries]
