"""Tables of the node core: STIX objects, collections, the node clock, parties, principals, tokens.

Timestamps the node itself assigns (`date_added`, `created_at`, ...) are integer microseconds
since the epoch: exact, strictly ordered and identical on SQLite and PostgreSQL. STIX version keys
(`modified`, `created`) are fixed-width nanosecond strings from `liaison.stix.timestamps`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    false,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base with stable constraint names for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class Collection(Base):
    """A TAXII collection: a named set of STIX objects with a default TLP for unmarked ones."""

    __tablename__ = "collections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    default_tlp: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[int] = mapped_column(BigInteger)
    pillar: Mapped[str | None] = mapped_column(String(40))


class StixObject(Base):
    """One stored version of one STIX object in one collection.

    Its content never changes once written; only the egress `signature` cache and the `withdrawn`
    marker (set on every version once the originator revokes the object) are filled in later.
    """

    __tablename__ = "stix_objects"

    collection_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(300), primary_key=True)
    modified: Mapped[str] = mapped_column(String(30), primary_key=True)
    type: Mapped[str] = mapped_column(String(250))
    created: Mapped[str | None] = mapped_column(String(30))
    spec_version: Mapped[str] = mapped_column(String(8))
    date_added: Mapped[int] = mapped_column(BigInteger)
    tlp: Mapped[str | None] = mapped_column(String(16))
    origin_node: Mapped[str] = mapped_column(String(100))
    origin_party: Mapped[str] = mapped_column(String(100))
    releasable_to: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[str | None] = mapped_column(Text)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    expires_at: Mapped[int | None] = mapped_column(BigInteger)
    body: Mapped[dict[str, Any]] = mapped_column(JsonDocument)
    signature: Mapped[str | None] = mapped_column(Text)
    received_from: Mapped[str | None] = mapped_column(String(100))
    received_at: Mapped[int | None] = mapped_column(BigInteger)
    evaluated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    withdrawn: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    __table_args__ = (
        Index("ix_stix_objects_collection_date_added", "collection_id", "date_added", unique=True),
        Index("ix_stix_objects_collection_type_date_added", "collection_id", "type", "date_added"),
        Index("ix_stix_objects_id", "id"),
        Index("ix_stix_objects_expires_at", "expires_at"),
    )


class CollectionGrant(Base):
    """What one party may do with one collection: read, write, or both."""

    __tablename__ = "collection_grants"

    collection_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("collections.id", ondelete="CASCADE"), primary_key=True
    )
    party: Mapped[str] = mapped_column(String(100), ForeignKey("parties.name"), primary_key=True)
    can_read: Mapped[bool] = mapped_column(Boolean, default=False)
    can_write: Mapped[bool] = mapped_column(Boolean, default=False)


class TaxiiStatus(Base):
    """The outcome of one TAXII POST of an envelope, kept for the status endpoint."""

    __tablename__ = "taxii_statuses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    collection_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("collections.id", ondelete="CASCADE")
    )
    principal_id: Mapped[int] = mapped_column(Integer, ForeignKey("principals.id"))
    request_timestamp: Mapped[int] = mapped_column(BigInteger)
    total_count: Mapped[int] = mapped_column(Integer)
    success_count: Mapped[int] = mapped_column(Integer)
    failure_count: Mapped[int] = mapped_column(Integer)
    pending_count: Mapped[int] = mapped_column(Integer)
    details: Mapped[dict[str, Any]] = mapped_column(JsonDocument)


class Peer(Base):
    """Another node we exchange with: where it is, which party it speaks for, its public key."""

    __tablename__ = "peers"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    party: Mapped[str] = mapped_column(String(100), ForeignKey("parties.name"))
    public_key: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(64))
    added_at: Mapped[int] = mapped_column(BigInteger)


class SyncCheckpoint(Base):
    """How far we have pulled one peer collection into one local collection."""

    __tablename__ = "sync_checkpoints"

    peer: Mapped[str] = mapped_column(
        String(100), ForeignKey("peers.name", ondelete="CASCADE"), primary_key=True
    )
    remote_collection_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    local_collection_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("collections.id", ondelete="CASCADE")
    )
    added_after: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[int] = mapped_column(BigInteger)


class NodeClock(Base):
    """The single row that hands out strictly increasing `date_added` values.

    Writers lock this row for the whole transaction, so commit order equals `date_added` order
    and a reader paging by `added_after` can never miss a late commit.
    """

    __tablename__ = "node_clock"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_date_added: Mapped[int] = mapped_column(BigInteger)


class Party(Base):
    """A party to the exchange: a country or an agency of one (e.g. 'ca', 'in')."""

    __tablename__ = "parties"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[int] = mapped_column(BigInteger)


class Principal(Base):
    """A person or a peer node that can authenticate, with one role within one party."""

    __tablename__ = "principals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    party: Mapped[str] = mapped_column(String(100), ForeignKey("parties.name"))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(Text)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[int] = mapped_column(BigInteger)


class ApiToken(Base):
    """A bearer token: only its public id and the SHA-256 of its secret are stored."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    principal_id: Mapped[int] = mapped_column(Integer, ForeignKey("principals.id"))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[int] = mapped_column(BigInteger)
    revoked_at: Mapped[int | None] = mapped_column(BigInteger)


class AuditEntry(Base):
    """One entry of the append-only audit log: its RFC 8785 text and RFC 9162 leaf hash.

    `entry` embeds its own index, kind, actor and time, so a row moved to another index, or an
    edited one, no longer hashes to the leaf the tree and the signed heads commit to.
    """

    __tablename__ = "audit_entries"

    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    recorded_at: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(String(200))
    entry: Mapped[str] = mapped_column(Text)
    leaf_hash: Mapped[str] = mapped_column(String(64))


class AuditNode(Base):
    """The hash of one perfect subtree (2^level leaves from index·2^level), level ≥ 1."""

    __tablename__ = "audit_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[str] = mapped_column(String(64))


class AuditState(Base):
    """The single row that serialises appends: log size, right-edge hashes, last signed head.

    `frontier` is a JSON list of the hex hashes of the perfect subtrees covering the log, left
    to right; appenders lock the row for the whole transaction, as with `NodeClock`.
    """

    __tablename__ = "audit_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    frontier: Mapped[str] = mapped_column(Text)
    head_size: Mapped[int] = mapped_column(BigInteger)
    head_at: Mapped[int] = mapped_column(BigInteger)


class TreeHead(Base):
    """A signed tree head of this node's log: Ed25519 over {size, root_hash, timestamp}."""

    __tablename__ = "tree_heads"

    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[int] = mapped_column(BigInteger)
    signature: Mapped[str] = mapped_column(Text)


class PeerTreeHead(Base):
    """A signed tree head fetched from a peer, kept to check the next one's consistency."""

    __tablename__ = "peer_tree_heads"

    peer: Mapped[str] = mapped_column(
        String(100), ForeignKey("peers.name", ondelete="CASCADE"), primary_key=True
    )
    size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[int] = mapped_column(BigInteger)
    signature: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[int] = mapped_column(BigInteger)


class WorkplanAction(Base):
    """One action of the bilateral work plan (the web UI's work-plan page; admins edit it)."""

    __tablename__ = "workplan_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    pillar: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    start_date: Mapped[str | None] = mapped_column(String(10))
    due_date: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[int] = mapped_column(BigInteger)
    updated_by: Mapped[str] = mapped_column(String(200))


class WorkplanMilestone(Base):
    """A milestone of a work-plan action: what marks progress, by when, and when it was met."""

    __tablename__ = "workplan_milestones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("workplan_actions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    due_date: Mapped[str | None] = mapped_column(String(10))
    done_date: Mapped[str | None] = mapped_column(String(10))
    updated_at: Mapped[int] = mapped_column(BigInteger)
