"""Cross-checking peers: fetch each peer's signed tree head and check it extends the last one held.

A check fetches `GET {peer}/api/v1/audit/heads/latest` with the token the peer issued to us,
verifies the head's Ed25519 signature with the peer's registered key and, when we already hold a
head from that peer, checks that the new one only extends it: a larger tree needs a consistency
proof (`GET …/proofs/consistency?first=&second=`, verified offline against the two roots *we*
hold), an equal size needs the same root, and a smaller size is never right. Good heads are kept
in `peer_tree_heads`, one row per (peer, size); `fetched_at` of the largest is the last check.

An alarm (a bad signature, a tree that shrank, a head that does not extend the held one — the peer
rewrote its history) is logged at ERROR, recorded in our own log (`peer.head.inconsistent`) when
new, and kept in `peer_tree_heads` as the peer's **alarm row**: the table has no status column, so
the row with `size = -1` (never a real tree size) holds the offending head's root in `root_hash`,
the time the alarm was raised in `timestamp`, the last time it was seen in `fetched_at`, and the
reason with the offending head as JSON in `signature`. The alarm stays until the peer is removed
(its rows go with it); later heads are still checked against the last good one.

Network failures, answers other than 200 and malformed bodies raise `PeerUnreachable` (one line
naming the peer) and change nothing stored: they are not evidence against the peer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import orjson
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.heads import head_signature_valid
from liaison.audit.log import LOCAL_ACTOR, record
from liaison.audit.merkle import ProofError, verify_consistency
from liaison.config import Settings
from liaison.errors import LiaisonError
from liaison.federation.peers import parse_public_key, peer_credential
from liaison.federation.sync_client import TIMEOUT, PeerUnreachable, tls_verification
from liaison.stix.timestamps import now_micros
from liaison.store.database import Database
from liaison.store.models import Peer, PeerTreeHead

log = logging.getLogger(__name__)
HEAD_PATH = "/api/v1/audit/heads/latest"
CONSISTENCY_PATH = "/api/v1/audit/proofs/consistency"
ALARM_SIZE = -1
"""The `size` of a peer's alarm row in `peer_tree_heads` (see the module docstring)."""
ALARM_KIND = "peer.head.inconsistent"
CHECK_EVERY_S = 300
"""How often `liaison sync --watch` checks a peer's head."""
OnError = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class PeerHeadStatus:
    """What we hold about one peer's log: its largest good head, the last check, any alarm."""

    peer: str
    size: int | None
    root_hash: str | None
    timestamp: int | None
    checked_at: int | None
    alarm: str | None

    @property
    def consistent(self) -> bool:
        """True while no alarm has been raised about this peer."""
        return self.alarm is None

    def document(self) -> dict[str, Any]:
        """The status as printed by `liaison audit peers --json`."""
        return {
            "peer": self.peer, "size": self.size, "root_hash": self.root_hash,
            "timestamp": self.timestamp, "consistent": self.consistent,
            "checked_at": self.checked_at, "alarm": self.alarm,
        }  # fmt: skip


class _AuditClient:
    """GETs a peer's audit routes with the token it issued to us; failures are one line."""

    def __init__(self, settings: Settings, peer: Peer, transport: httpx.BaseTransport | None):
        self.name = peer.name
        self._client = httpx.Client(
            base_url=peer.url.rstrip("/"),
            headers={"Authorization": f"Bearer {peer_credential(settings.dir, peer.name)}"},
            timeout=TIMEOUT,
            verify=tls_verification(settings),
            transport=transport,
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self._client.close()

    def get(self, path: str, params: dict[str, int] | None = None) -> Any:
        """The JSON body of a 200 answer to GET `path`."""
        url = f"{self._client.base_url}{path}"
        try:
            response = self._client.get(path, params=params)
        except httpx.HTTPError as exc:
            reason = str(exc) or type(exc).__name__
            raise PeerUnreachable(f"peer '{self.name}' at {url}: {reason}") from exc
        if response.status_code != 200:
            raise PeerUnreachable(f"peer '{self.name}' answered {response.status_code} to {url}")
        try:
            return response.json()
        except ValueError:
            raise PeerUnreachable(f"peer '{self.name}' sent invalid JSON from {url}") from None

    def head(self) -> dict[str, Any]:
        """The peer's latest signed head, checked for shape (not yet for its signature)."""
        body = self.get(HEAD_PATH)
        if not _is_head(body):
            raise PeerUnreachable(f"peer '{self.name}' sent a malformed tree head")
        return {key: body[key] for key in ("size", "root_hash", "timestamp", "signature")}

    def consistency(self, first: int, second: int) -> list[bytes]:
        """The peer's consistency proof between tree sizes `first` and `second`."""
        body = self.get(CONSISTENCY_PATH, {"first": first, "second": second})
        try:
            return [bytes.fromhex(node) for node in body["proof"]]
        except (KeyError, TypeError, ValueError):
            raise PeerUnreachable(f"peer '{self.name}' sent a malformed proof") from None


def _is_head(body: Any) -> bool:
    if not isinstance(body, dict):
        return False
    size, root, timestamp = body.get("size"), body.get("root_hash"), body.get("timestamp")
    return (
        type(size) is int
        and size >= 1
        and type(timestamp) is int
        and isinstance(body.get("signature"), str)
        and isinstance(root, str)
        and len(root) == 64
        and all(c in "0123456789abcdef" for c in root)
    )


def _held_head(session: Session, peer: str) -> PeerTreeHead | None:
    """The largest good head we hold from `peer`."""
    return session.scalar(
        select(PeerTreeHead)
        .where(PeerTreeHead.peer == peer, PeerTreeHead.size >= 0)
        .order_by(PeerTreeHead.size.desc())
        .limit(1)
    )


def _assess(
    client: _AuditClient, public: Ed25519PublicKey, held: PeerTreeHead | None, head: dict[str, Any]
) -> str | None:
    """Why `head` is an alarm given the `held` one, or None when it is good."""
    size, root = head["size"], head["root_hash"]
    if not head_signature_valid(public, head):
        return f"the head of size {size} is not signed by the peer's registered key"
    if held is None:
        return None
    if size < held.size:
        return f"the log shrank from {held.size} to {size} entries"
    if size == held.size:
        return None if root == held.root_hash else f"a second root for size {size}"
    proof = client.consistency(held.size, size)
    try:
        verify_consistency(
            held.size, size, bytes.fromhex(held.root_hash), bytes.fromhex(root), proof
        )
    except ProofError as exc:
        return f"the head of size {size} does not extend the held head of size {held.size}: {exc}"
    return None


def check_peer(
    db: Database, settings: Settings, peer: Peer, *, transport: httpx.BaseTransport | None = None
) -> PeerHeadStatus:
    """Fetch, verify and keep `peer`'s latest head; raise PeerUnreachable on a network error."""
    client = _AuditClient(settings, peer, transport)
    try:
        head = client.head()
        with db.session() as session:
            held = _held_head(session, peer.name)
            if held is not None:
                session.expunge(held)
        reason = _assess(client, parse_public_key(peer.public_key), held, head)
    finally:
        client.close()
    with db.session(write=True) as session:
        if reason is None:
            _keep(session, peer.name, head)
        else:
            _raise_alarm(session, peer.name, head, held, reason)
        return peer_status(session, peer.name)


def _keep(session: Session, peer: str, head: dict[str, Any]) -> None:
    """Store a good head, or refresh the row of the same size (a later signature, a new check)."""
    row = session.get(PeerTreeHead, (peer, head["size"]))
    if row is None:
        row = PeerTreeHead(peer=peer, size=head["size"], root_hash=head["root_hash"])
        session.add(row)
    row.timestamp, row.signature = head["timestamp"], head["signature"]
    row.fetched_at = now_micros()
    session.flush()


def _raise_alarm(
    session: Session, peer: str, head: dict[str, Any], held: PeerTreeHead | None, reason: str
) -> None:
    """Log the alarm; keep it in the alarm row and our own log unless this head already raised it."""
    log.error("peer %s: audit log alarm: %s", peer, reason)
    now = now_micros()
    evidence = orjson.dumps({"reason": reason, "head": head}).decode()
    row = session.get(PeerTreeHead, (peer, ALARM_SIZE))
    if row is not None and row.signature == evidence:
        row.fetched_at = now
        session.flush()
        return
    if row is None:
        row = PeerTreeHead(peer=peer, size=ALARM_SIZE, timestamp=now)
        session.add(row)
    row.root_hash, row.signature, row.fetched_at = head["root_hash"], evidence, now
    details = {
        "peer": peer, "reason": reason, "size": head["size"], "root_hash": head["root_hash"],
        "held_size": held.size if held else None, "held_root_hash": held.root_hash if held else None,
    }  # fmt: skip
    record(session, ALARM_KIND, LOCAL_ACTOR, details)
    session.flush()


def peer_status(session: Session, peer: str) -> PeerHeadStatus:
    """What we hold about `peer`'s log (all None before its first good head)."""
    held = _held_head(session, peer)
    alarm = session.get(PeerTreeHead, (peer, ALARM_SIZE))
    checks = [row.fetched_at for row in (held, alarm) if row is not None]
    return PeerHeadStatus(
        peer=peer,
        size=held.size if held else None,
        root_hash=held.root_hash if held else None,
        timestamp=held.timestamp if held else None,
        checked_at=max(checks) if checks else None,
        alarm=str(orjson.loads(alarm.signature)["reason"]) if alarm else None,
    )


@dataclass(frozen=True, slots=True)
class PeerAlarm:
    """A raised alarm about a peer's log: the peer, why, the offending root, when it was raised."""

    peer: str
    reason: str
    root_hash: str
    raised_at: int

    def document(self) -> dict[str, Any]:
        """The alarm as JSON values (the `data` of a stream's `alarm` event)."""
        return {
            "kind": ALARM_KIND, "peer": self.peer, "reason": self.reason,
            "root_hash": self.root_hash, "raised_at": self.raised_at,
        }  # fmt: skip


def peer_alarms(session: Session) -> list[PeerAlarm]:
    """Every alarm raised about a peer's log and still held, by peer."""
    rows = session.scalars(
        select(PeerTreeHead).where(PeerTreeHead.size == ALARM_SIZE).order_by(PeerTreeHead.peer)
    )
    return [
        PeerAlarm(
            row.peer, str(orjson.loads(row.signature)["reason"]), row.root_hash, row.timestamp
        )
        for row in rows
    ]


def check_peers(db: Database, settings: Settings, peers: Sequence[Peer], on_error: OnError) -> None:
    """Check every peer in turn; a peer that cannot be checked is one `on_error` line."""
    for peer in peers:
        try:
            check_peer(db, settings, peer)
        except LiaisonError as exc:
            on_error(f"audit head not checked: {exc.message}")


def check_when_due(db: Database, settings: Settings, peer: Peer, on_error: OnError) -> None:
    """Check `peer` when its last check is `CHECK_EVERY_S` old (for `liaison sync --watch`)."""
    with db.session() as session:
        checked = peer_status(session, peer.name).checked_at
    if checked is None or now_micros() - checked >= CHECK_EVERY_S * 1_000_000:
        check_peers(db, settings, [peer], on_error)
