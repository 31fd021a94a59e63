"""`/api/v1/audit/…`: signed tree heads, inclusion and consistency proofs, and the entries.

Heads and proofs are for auditors, admins and peer nodes: they let a peer check that this node's
log only ever grows. The entries themselves (who read and wrote what) are for this node's
auditors and admins only.
"""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy import select

from liaison.access.http import Caller, authenticated
from liaison.access.models import Role
from liaison.audit import proofs
from liaison.audit.heads import head_document, latest_head
from liaison.errors import NotFound, PermissionDenied
from liaison.store.database import Database
from liaison.store.models import AuditEntry

PROOF_READERS = frozenset({Role.AUDITOR, Role.ADMIN, Role.PEER})
ENTRY_READERS = frozenset({Role.AUDITOR, Role.ADMIN})
MAX_ENTRIES = 1000
MAX_INDEX = 2**63 - 1  # entry indexes and tree sizes are BIGINT

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _proof_reader(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
    if caller.role not in PROOF_READERS:
        raise PermissionDenied("audit heads and proofs are for auditors, admins and peers")
    return caller


def _entry_reader(caller: Annotated[Caller, Depends(authenticated)]) -> Caller:
    if caller.role not in ENTRY_READERS:
        raise PermissionDenied("audit entries are for this node's auditors and admins")
    return caller


ProofReader = Annotated[Caller, Depends(_proof_reader)]
EntryReader = Annotated[Caller, Depends(_entry_reader)]


def _default_size(request: Request, size: int | None) -> int:
    """`size`, or the size of the latest signed head."""
    if size is not None:
        return size
    with _db(request).session() as session:
        head = latest_head(session)
    if head is None:
        raise NotFound("no signed tree head yet")
    return head.size


@router.get("/heads/latest", summary="The latest signed tree head")
def get_latest_head(request: Request, _caller: ProofReader) -> dict[str, Any]:
    """The signed head over the largest tree: size, root_hash, timestamp, signature."""
    with _db(request).session() as session:
        head = latest_head(session)
        if head is None:
            raise NotFound("no signed tree head yet")
        return head_document(head)


@router.get("/proofs/inclusion", summary="Inclusion proof of one entry")
def get_inclusion(
    request: Request,
    _caller: ProofReader,
    index: Annotated[int, Query(ge=0, le=MAX_INDEX)],
    size: Annotated[int | None, Query(ge=1, le=MAX_INDEX)] = None,
) -> dict[str, Any]:
    """PATH(index, D[size]) of RFC 9162 §2.1.3 (size defaults to the latest signed head's)."""
    tree = _default_size(request, size)
    with _db(request).session() as session:
        proof = proofs.inclusion(session, index, tree)
    return {
        "index": proof.index,
        "size": proof.size,
        "leaf_hash": proof.leaf_hash.hex(),
        "root_hash": proof.root_hash.hex(),
        "proof": [node.hex() for node in proof.path],
    }


@router.get("/proofs/consistency", summary="Consistency proof between two tree sizes")
def get_consistency(
    request: Request,
    _caller: ProofReader,
    first: Annotated[int, Query(ge=1, le=MAX_INDEX)],
    second: Annotated[int | None, Query(ge=1, le=MAX_INDEX)] = None,
) -> dict[str, Any]:
    """PROOF(first, D[second]) of RFC 9162 §2.1.4 (second defaults to the latest head's size)."""
    tree = _default_size(request, second)
    with _db(request).session() as session:
        proof = proofs.consistency(session, first, tree)
    return {
        "first": proof.first,
        "second": proof.second,
        "first_root": proof.first_root.hex(),
        "second_root": proof.second_root.hex(),
        "proof": [node.hex() for node in proof.path],
    }


@router.get("/entries", summary="Entries of the log, in index order")
def get_entries(
    request: Request,
    _caller: EntryReader,
    after: Annotated[int, Query(ge=-1, le=MAX_INDEX)] = -1,
    limit: Annotated[int, Query(ge=1, le=MAX_ENTRIES)] = 100,
) -> dict[str, Any]:
    """Up to `limit` entries with index greater than `after`, each with its leaf hash."""
    with _db(request).session() as session:
        rows = session.execute(
            select(AuditEntry.index, AuditEntry.entry, AuditEntry.leaf_hash)
            .where(AuditEntry.index > after)
            .order_by(AuditEntry.index)
            .limit(limit + 1)
        ).all()
    return {
        "entries": [
            {"index": index, "entry": orjson.loads(text), "leaf_hash": leaf}
            for index, text, leaf in rows[:limit]
        ],
        "more": len(rows) > limit,
    }
