"""What every TAXII route needs from the app: the store, settings, token signer, a collection."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from liaison.access.visibility import Access, Viewer, collection_access, require_collection
from liaison.config import Settings
from liaison.errors import NotFound
from liaison.store.database import Database
from liaison.store.models import Collection
from liaison.taxii.egress import EgressSigner, require_signer
from liaison.taxii.paging import TokenSigner


def database(request: Request) -> Database:
    """The node's store (opened by the app's lifespan)."""
    db: Database = request.app.state.db
    return db


def settings_of(request: Request) -> Settings:
    """The node's settings."""
    settings: Settings = request.app.state.settings
    return settings


def signer_of(request: Request) -> TokenSigner:
    """The signer of `next` tokens."""
    signer: TokenSigner = request.app.state.taxii_signer
    return signer


def egress_signer_of(request: Request) -> EgressSigner:
    """This node's signer of objects served to peers (ConfigError when the node has no key)."""
    signer: EgressSigner | None = request.app.state.egress_signer
    return require_signer(signer, settings_of(request))


def _collection(session: Session, collection_id: str) -> Collection:
    collection = session.get(Collection, collection_id)
    if collection is None:
        raise NotFound(f"no collection '{collection_id}'")
    return collection


def granted_collection(session: Session, viewer: Viewer, collection_id: str) -> Access:
    """The viewer's grant on collection `collection_id`; NotFound when its party holds none."""
    access = collection_access(session, viewer, _collection(session, collection_id))
    if not (access.can_read or access.can_write):
        raise NotFound(f"no collection '{collection_id}'")
    return access


def open_collection(
    session: Session, viewer: Viewer, collection_id: str, *, write: bool = False
) -> Access:
    """The viewer's access for reading (or writing); NotFound when it may not know of it."""
    return require_collection(session, viewer, _collection(session, collection_id), write=write)
