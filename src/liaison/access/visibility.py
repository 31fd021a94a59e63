"""The one visibility policy: may this principal see this stored object?

Every read path asks here, in one of two renderings of the same rule: `may_see` for one object in
Python, and `visible_clause` as a SQL condition, so that pagination, counts and `date_added` headers
are computed over exactly the objects a principal may see. Tests hold the two to the same answers.

The rule, given a read grant on the collection (checked by `collection_access`):

1. The originator's party always sees its own objects.
2. If the handling extension lists `releasable_to`, only those parties see the object.
3. TLP 2.0, with an unmarked object taking its collection's default TLP:
   CLEAR, GREEN and AMBER are visible to every party holding the grant (FIRST: recipients may
   share AMBER within their organisation and its clients on a need-to-know basis);
   AMBER+STRICT only to the parties it was released to (`releasable_to`), never beyond;
   RED only to the principals named in the handling extension's `recipients`.
4. A node whose `release.require_evaluation` is on holds back from foreign parties (peer nodes,
   and officers of another party with an account on this node) every object without an
   evaluation and caveats in its handling extension (`stix_objects.evaluated`); the HTTP edge
   sets `Viewer.require_evaluation` for exactly those viewers.

Above all of these: a withdrawn object (every version, once its originator revoked it; see
`liaison.store.revocation`) is seen by no one, its originator's party included, except that peer
nodes still see the revoked version itself, so the withdrawal propagates to every peer.

An object a principal may not see is reported as absent, never as forbidden.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, false, func, or_, select, true
from sqlalchemy.orm import InstrumentedAttribute, Session

from liaison.errors import NotFound, PermissionDenied
from liaison.stix.tlp import Tlp
from liaison.store.models import Collection, CollectionGrant, StixObject

_SHAREABLE = (Tlp.CLEAR.value, Tlp.GREEN.value, Tlp.AMBER.value)


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is asking: a principal's name and party, and whether it is a peer node (what a peer
    reads leaves this node). `require_evaluation` is set, from the node's
    `release.require_evaluation`, for viewers who read for a foreign party (peer nodes, officers
    of another party), by the HTTP edge where the settings are known."""

    name: str
    party: str
    peer: bool = False
    require_evaluation: bool = False

    @property
    def evaluated_only(self) -> bool:
        """Whether this viewer may only see objects with an evaluation and caveats (rule 4)."""
        return self.require_evaluation


@dataclass(frozen=True, slots=True)
class Labels:
    """What the policy reads of a stored object (the columns `visible_clause` filters on)."""

    tlp: str | None
    origin_party: str
    releasable_to: str | None
    recipients: str | None
    withdrawn: bool = False
    revoked: bool = False
    evaluated: bool = False


def name_list(names: Iterable[str] | None) -> str | None:
    """Names stored as `,a,b,` so one containment test finds a whole name; None for no list."""
    if names is None:
        return None
    return "," + ",".join(sorted(set(names))) + ","


def _listed(names: str | None, name: str) -> bool:
    return names is not None and f",{name}," in names


def may_see(viewer: Viewer, labels: Labels, default_tlp: str | None) -> bool:
    """Whether `viewer`, holding a read grant on the collection, may see an object so labelled."""
    if labels.withdrawn and not (viewer.peer and labels.revoked):
        return False
    if labels.origin_party == viewer.party:
        return True
    if viewer.evaluated_only and not labels.evaluated:
        return False
    if labels.releasable_to is not None and not _listed(labels.releasable_to, viewer.party):
        return False
    tlp = labels.tlp or default_tlp
    if tlp in _SHAREABLE:
        return True
    if tlp == Tlp.AMBER_STRICT.value:
        return _listed(labels.releasable_to, viewer.party)
    if tlp == Tlp.RED.value:
        return _listed(labels.recipients, viewer.name)
    return False


def _sql_listed(column: InstrumentedAttribute[str | None], name: str) -> ColumnElement[bool]:
    return and_(column.is_not(None), column.contains(f",{name},", autoescape=True))


def visible_clause(viewer: Viewer, default_tlp: str | None) -> ColumnElement[bool]:
    """`may_see` as a SQL condition on `stix_objects` rows of one collection."""
    tlp = func.coalesce(StixObject.tlp, default_tlp) if default_tlp else StixObject.tlp
    released = or_(
        StixObject.releasable_to.is_(None), _sql_listed(StixObject.releasable_to, viewer.party)
    )
    by_tlp = or_(
        tlp.in_(_SHAREABLE),
        and_(tlp == Tlp.AMBER_STRICT.value, _sql_listed(StixObject.releasable_to, viewer.party)),
        and_(tlp == Tlp.RED.value, _sql_listed(StixObject.recipients, viewer.name)),
    )
    served: ColumnElement[bool] = StixObject.withdrawn.is_(false())
    if viewer.peer:
        served = or_(served, StixObject.revoked.is_(true()))
    shared = and_(released, by_tlp)
    if viewer.evaluated_only:
        shared = and_(shared, StixObject.evaluated.is_(true()))
    return and_(served, or_(StixObject.origin_party == viewer.party, shared))


@dataclass(frozen=True, slots=True)
class Access:
    """A viewer's standing in one collection."""

    collection: Collection
    can_read: bool
    can_write: bool

    def clause(self, viewer: Viewer) -> ColumnElement[bool]:
        """The SQL condition selecting what `viewer` may see here (nothing without a grant)."""
        if not self.can_read:
            return false()
        return visible_clause(viewer, self.collection.default_tlp)

    def labels_visible(self, viewer: Viewer, labels: Labels) -> bool:
        """`may_see` within this collection (False without a read grant)."""
        return self.can_read and may_see(viewer, labels, self.collection.default_tlp)


def collection_access(session: Session, viewer: Viewer, collection: Collection) -> Access:
    """The viewer's grant on `collection`."""
    grant = session.scalar(
        select(CollectionGrant).where(
            CollectionGrant.collection_id == collection.id, CollectionGrant.party == viewer.party
        )
    )
    return Access(
        collection,
        can_read=bool(grant and grant.can_read),
        can_write=bool(grant and grant.can_write),
    )


def require_collection(
    session: Session, viewer: Viewer, collection: Collection, *, write: bool = False
) -> Access:
    """The viewer's access, or NotFound (no grant at all) / PermissionDenied (read-only, writing).

    A collection a party holds no grant on does not exist for it; one it may read but not write
    answers a write with 403, as TAXII 2.1 prescribes for `can_write: false`.
    """
    access = collection_access(session, viewer, collection)
    if not (access.can_read or access.can_write):
        raise NotFound(f"no collection '{collection.id}'")
    if write and not access.can_write:
        raise PermissionDenied(f"party '{viewer.party}' may not write to this collection")
    if not write and not access.can_read:
        raise PermissionDenied(f"party '{viewer.party}' may not read this collection")
    return access


def labels_of(row: StixObject) -> Labels:
    """The policy's view of a stored row."""
    return Labels(
        row.tlp, row.origin_party, row.releasable_to, row.recipients, row.withdrawn, row.revoked,
        row.evaluated,
    )  # fmt: skip
