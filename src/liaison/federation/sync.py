"""Pull sync: copy every collection a peer lets us read into a local collection of the same name.

For each peer collection, pages of every object version added after the checkpoint are fetched
over TAXII 2.1 and each page is stored in ONE transaction together with the new checkpoint (the
page's `X-TAXII-Date-Added-Last`). A crash or a network cut at any point therefore resumes from
the last stored page: nothing is lost, and a page applied twice only meets duplicates, which the
store skips. Each object is checked first (`liaison.federation.sync_checks`); rejected objects are
reported and logged, and the rest of the page is stored. docs/sync.md describes the whole flow.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from liaison.audit.log import record
from liaison.config import Settings
from liaison.federation.keys import load_key
from liaison.federation.peers import list_peers, peer_credential
from liaison.federation.sync_checks import (
    Keyring,
    Rejection,
    Signed,
    check_history,
    rejection,
)
from liaison.federation.sync_client import (
    PeerClient,
    RemoteCollection,
    tls_verification,
)
from liaison.federation.sync_pipeline import CheckedPage, checked_pages
from liaison.stix.timestamps import now_micros
from liaison.stix.tlp import Tlp
from liaison.store.admission import Destination
from liaison.store.collections import create_collection
from liaison.store.database import Database
from liaison.store.models import Collection, Peer, SyncCheckpoint
from liaison.store.objects import Origin, add_objects
from liaison.store.retention import expired_on_arrival

log = logging.getLogger(__name__)
SyncProgress = Callable[[str, int], None]
"""Called with (collection title, objects received) after each stored page."""


@dataclass(slots=True)
class CollectionReport:
    """What one sync did to one peer collection."""

    collection: str
    remote_id: str
    local_id: str
    received: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON values (rejections with id, version and reason)."""
        return {
            "collection": self.collection, "remote_id": self.remote_id,
            "local_id": self.local_id, "received": self.received, "stored": self.stored,
            "duplicates": self.duplicates, "rejected": len(self.rejected),
            "rejections": [
                {"id": r.id, "version": r.version, "reason": r.reason} for r in self.rejected
            ],
        }  # fmt: skip


@dataclass(slots=True)
class SyncReport:
    """What one sync did with one peer, collection by collection."""

    peer: str
    url: str
    collections: list[CollectionReport] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        """The report as plain JSON values."""
        return {
            "peer": self.peer,
            "url": self.url,
            "collections": [report.as_json() for report in self.collections],
        }


def keyring_of(session: Session, settings: Settings) -> Keyring:
    """The keys sync trusts: every registered peer's and this node's own."""
    own = load_key(settings.key_path).public_key()
    return Keyring.build(list_peers(session), node=settings.node_name, own_key=own)


def _local_collection(
    session: Session, settings: Settings, peer: Peer, remote: RemoteCollection
) -> SyncCheckpoint:
    """The checkpoint of a peer collection, made on first sight with its local collection.

    The local collection is the one with the peer collection's title, created when missing with
    default TLP AMBER+STRICT (TAXII does not tell us the peer's default) and no grant to the
    peer's party.
    """
    checkpoint = session.get(SyncCheckpoint, (peer.name, remote.id))
    if checkpoint is not None:
        return checkpoint
    local = session.scalar(select(Collection).where(Collection.name == remote.title))
    if local is None:
        local = create_collection(
            session,
            remote.title,
            owner_party=settings.party,
            description=f"pulled from peer {peer.name}",
            default_tlp=Tlp.AMBER_STRICT,
        )
    checkpoint = SyncCheckpoint(
        peer=peer.name,
        remote_collection_id=remote.id,
        local_collection_id=local.id,
        added_after=None,
        updated_at=now_micros(),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def _add_checked(
    session: Session, collection: Collection, items: Sequence[Signed], origin: Origin
) -> tuple[int, int]:
    """Store checked objects with the rows admission prepared for them: (stored, duplicates)."""
    result = add_objects(
        session, collection, [item.obj for item in items], origin=origin,
        admitted=[item.row for item in items],
    )  # fmt: skip
    return result.added, result.duplicates


def _unexpired(items: Sequence[Signed]) -> tuple[list[Signed], list[Rejection]]:
    """The items whose retain-until has not passed, and rejections of the rest.

    A purged object must not come back: a peer that still holds it (it has not purged yet, or
    relays it) is refused, and the checkpoint moves past it.
    """
    now = now_micros()
    kept: list[Signed] = []
    expired: list[Rejection] = []
    for item in items:
        reason = expired_on_arrival(item.obj, now)
        if reason is None:
            kept.append(item)
        else:
            expired.append(rejection(item.obj, reason))
    return kept, expired


def _store_page(
    db: Database,
    peer: Peer,
    remote: RemoteCollection,
    checked: CheckedPage,
    report: CollectionReport,
) -> None:
    """Store what passes of a checked page, with the new checkpoint, in one transaction.

    Signatures were checked before the write transaction opens, so it stays short.
    """
    page, signed, rejected = checked.page, checked.signed, list(checked.rejected)
    with db.session(write=True) as session:
        accepted, duplicates, refused = check_history(session, signed, report.local_id)
        rejected += refused
        accepted, expired = _unexpired(accepted)
        rejected += expired
        collection = session.get_one(Collection, report.local_id)
        by_origin: dict[tuple[str, str], list[Signed]] = {}
        for item in accepted:
            by_origin.setdefault((item.signer, item.party), []).append(item)
        page_stored = 0
        for (signer, party), items in by_origin.items():
            origin = Origin(signer, party, received_from=peer.name)
            stored, skipped = _add_checked(session, collection, items, origin)
            page_stored += stored
            duplicates += skipped
        report.stored += page_stored
        if page.date_added_last is not None:
            checkpoint = session.get_one(SyncCheckpoint, (peer.name, remote.id))
            checkpoint.added_after = page.date_added_last
            checkpoint.updated_at = now_micros()
        record(session, "objects.received", f"peer:{peer.name}", {
            "peer": peer.name, "remote_collection": remote.id, "collection": report.local_id,
            "received": len(page.objects), "stored": page_stored, "duplicates": duplicates,
            "rejected": [{"id": r.id, "version": r.version, "reason": r.reason} for r in rejected],
            "date_added_last": page.date_added_last,
        })  # fmt: skip
    report.received += len(page.objects)
    report.duplicates += duplicates
    report.rejected += rejected
    for refusal in rejected:
        log.warning(
            "sync from peer %s, collection %s: rejected %s version %s: %s",
            peer.name, remote.title, refusal.id, refusal.version, refusal.reason,
        )  # fmt: skip


def sync_collection(
    db: Database,
    settings: Settings,
    peer: Peer,
    client: PeerClient,
    remote: RemoteCollection,
    keyring: Keyring,
    *,
    progress: SyncProgress | None = None,
    stop: threading.Event | None = None,
) -> CollectionReport:
    """Pull one peer collection from its checkpoint to its end, page by page.

    When `stop` is set the pull ends after the page in hand is stored (with its checkpoint).
    """
    with db.session(write=True) as session:
        checkpoint = _local_collection(session, settings, peer, remote)
        start, local_id = checkpoint.added_after, checkpoint.local_collection_id
        local = session.get_one(Collection, local_id)
        destination = Destination(local.name, local.default_tlp)
    report = CollectionReport(remote.title, remote.id, local_id)
    for checked in checked_pages(client, remote, start, keyring, destination, stop):
        _store_page(db, peer, remote, checked, report)
        if progress is not None:
            progress(remote.title, len(checked.page.objects))
    return report


def open_peer(
    settings: Settings, peer: Peer, *, transport: httpx.BaseTransport | None = None
) -> PeerClient:
    """A TAXII client for `peer` with the credential it issued to us and the node's TLS trust."""
    token = peer_credential(settings.dir, peer.name)
    verify = tls_verification(settings)
    return PeerClient(peer.name, peer.url, token, verify=verify, transport=transport)


def load_keyring(db: Database, settings: Settings) -> Keyring:
    """The keys sync trusts, read now (a peer added since the last read is included)."""
    with db.session() as session:
        return keyring_of(session, settings)


def sync_peer(
    db: Database,
    settings: Settings,
    peer: Peer,
    *,
    progress: SyncProgress | None = None,
    transport: httpx.BaseTransport | None = None,
) -> SyncReport:
    """Pull every collection `peer` lets us read into the local collection of the same name.

    `transport` replaces the network (e.g. `httpx.ASGITransport` in tests). Raises
    PeerUnreachable (naming the peer and the URL) when the peer cannot be read; pages stored
    before that stay stored, with their checkpoint.
    """
    keyring = load_keyring(db, settings)
    report = SyncReport(peer.name, peer.url)
    with open_peer(settings, peer, transport=transport) as client:
        for remote in client.collections():
            report.collections.append(
                sync_collection(db, settings, peer, client, remote, keyring, progress=progress)
            )
    return report
