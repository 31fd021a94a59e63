"""Reading STIX objects: TAXII-style filters with keyset pagination on `date_added`.

Filters follow TAXII 2.1 §3.5: values of one field are ORed, different fields ANDed; `version`
takes `first`, `last`, `all` or a timestamp (default `last`). Pages are ascending `date_added`
and continue strictly after a given `date_added`, so page N costs what page 1 costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, false, func, or_, select
from sqlalchemy.orm import Session, aliased

from liaison.errors import InvalidInput
from liaison.stix.timestamps import timestamp_problem, version_key
from liaison.store.models import StixObject

VERSION_KEYWORDS = ("first", "last", "all")


@dataclass(frozen=True, slots=True)
class ObjectFilter:
    """Which objects of a collection to read."""

    ids: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    versions: tuple[str, ...] = ("last",)
    spec_versions: tuple[str, ...] = ()
    added_after: int | None = None

    def __post_init__(self) -> None:
        for version in self.versions:
            if version not in VERSION_KEYWORDS and timestamp_problem(version) is not None:
                raise InvalidInput(
                    f"version '{version}' must be first, last, all or a STIX timestamp"
                )


@dataclass(frozen=True, slots=True)
class Page:
    """One page of stored objects and whether more follow."""

    objects: list[StixObject] = field(default_factory=list)
    more: bool = False

    @property
    def last_date_added(self) -> int | None:
        """The `date_added` to continue after, or None for an empty page."""
        return self.objects[-1].date_added if self.objects else None


def _version_condition(versions: tuple[str, ...]) -> ColumnElement[bool] | None:
    if "all" in versions:
        return None
    other = aliased(StixObject)
    same_object = and_(other.collection_id == StixObject.collection_id, other.id == StixObject.id)
    conditions: list[ColumnElement[bool]] = []
    for version in versions:
        if version == "last":
            conditions.append(~exists().where(same_object, other.modified > StixObject.modified))
        elif version == "first":
            conditions.append(~exists().where(same_object, other.modified < StixObject.modified))
        else:
            conditions.append(StixObject.modified == version_key(version))
    return or_(*conditions) if conditions else false()


def _filtered(statement: Any, collection_id: str, flt: ObjectFilter) -> Any:
    statement = statement.where(StixObject.collection_id == collection_id)
    if flt.ids:
        statement = statement.where(StixObject.id.in_(flt.ids))
    if flt.types:
        statement = statement.where(StixObject.type.in_(flt.types))
    if flt.spec_versions:
        statement = statement.where(StixObject.spec_version.in_(flt.spec_versions))
    if flt.added_after is not None:
        statement = statement.where(StixObject.date_added > flt.added_after)
    version = _version_condition(flt.versions)
    if version is not None:
        statement = statement.where(version)
    return statement


def read_page(
    session: Session,
    collection_id: str,
    flt: ObjectFilter,
    *,
    limit: int | None = None,
    after: int | None = None,
) -> Page:
    """Objects matching `flt` in ascending `date_added`, strictly after `after`, at most `limit`."""
    statement = _filtered(select(StixObject), collection_id, flt)
    if after is not None:
        statement = statement.where(StixObject.date_added > after)
    statement = statement.order_by(StixObject.date_added)
    if limit is not None:
        statement = statement.limit(limit + 1)
    rows = list(session.scalars(statement))
    more = limit is not None and len(rows) > limit
    return Page(rows[:limit] if more else rows, more)


def count_objects(session: Session, collection_id: str, flt: ObjectFilter) -> int:
    """How many stored versions match `flt`."""
    statement = _filtered(select(func.count()).select_from(StixObject), collection_id, flt)
    return int(session.scalar(statement) or 0)


def delete_objects(session: Session, collection_id: str, flt: ObjectFilter) -> int:
    """Delete the versions matching `flt` (all versions unless it says otherwise); return how many."""
    keys = [
        (row.id, row.modified)
        for row in session.execute(
            _filtered(select(StixObject.id, StixObject.modified), collection_id, flt)
        )
    ]
    for object_id, modified in keys:
        session.execute(
            delete(StixObject).where(
                StixObject.collection_id == collection_id,
                StixObject.id == object_id,
                StixObject.modified == modified,
            )
        )
    return len(keys)
