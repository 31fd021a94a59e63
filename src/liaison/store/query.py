"""Reading STIX objects: TAXII-style filters with keyset pagination on `date_added`.

Filters follow TAXII 2.1 §3.5: values of one field are ORed, different fields ANDed; `version`
takes `first`, `last`, `all` or a timestamp (default `last`). Pages are ascending `date_added`
and continue strictly after a given `date_added`, so page N costs what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, exists, false, func, inspect, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.util import ClauseAdapter

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


def _version_condition(
    versions: tuple[str, ...], where: ColumnElement[bool] | None
) -> ColumnElement[bool] | None:
    """`first`/`last`/timestamp as SQL; with `where`, first and last among the rows it admits."""
    if "all" in versions:
        return None
    other = aliased(StixObject)
    same_object = and_(other.collection_id == StixObject.collection_id, other.id == StixObject.id)
    if where is not None:
        same_object = and_(same_object, ClauseAdapter(inspect(other).selectable).traverse(where))
    conditions: list[ColumnElement[bool]] = []
    for version in versions:
        if version == "last":
            conditions.append(~exists().where(same_object, other.modified > StixObject.modified))
        elif version == "first":
            conditions.append(~exists().where(same_object, other.modified < StixObject.modified))
        else:
            conditions.append(StixObject.modified == version_key(version))
    return or_(*conditions) if conditions else false()


def _filtered(
    statement: Any, collection_id: str, flt: ObjectFilter, where: ColumnElement[bool] | None
) -> Any:
    statement = statement.where(StixObject.collection_id == collection_id)
    if where is not None:
        statement = statement.where(where)
    if flt.ids:
        statement = statement.where(StixObject.id.in_(flt.ids))
    if flt.types:
        statement = statement.where(StixObject.type.in_(flt.types))
    if flt.spec_versions:
        statement = statement.where(StixObject.spec_version.in_(flt.spec_versions))
    if flt.added_after is not None:
        statement = statement.where(StixObject.date_added > flt.added_after)
    version = _version_condition(flt.versions, where)
    if version is not None:
        statement = statement.where(version)
    return statement


@dataclass(frozen=True, slots=True)
class RowPage:
    """One page of selected columns (`date_added` always last) and whether more follow."""

    rows: list[Sequence[Any]] = field(default_factory=list)
    more: bool = False

    @property
    def first_date_added(self) -> int | None:
        """The smallest `date_added` on the page, or None for an empty page."""
        return int(self.rows[0][-1]) if self.rows else None

    @property
    def last_date_added(self) -> int | None:
        """The `date_added` to continue after, or None for an empty page."""
        return int(self.rows[-1][-1]) if self.rows else None


def _paged(
    statement: Any,
    collection_id: str,
    flt: ObjectFilter,
    where: ColumnElement[bool] | None,
    limit: int | None,
    after: int | None,
) -> Any:
    statement = _filtered(statement, collection_id, flt, where)
    if after is not None:
        statement = statement.where(StixObject.date_added > after)
    statement = statement.order_by(StixObject.date_added)
    return statement if limit is None else statement.limit(limit + 1)


def read_page(
    session: Session,
    collection_id: str,
    flt: ObjectFilter,
    *,
    limit: int | None = None,
    after: int | None = None,
    where: ColumnElement[bool] | None = None,
) -> Page:
    """Objects matching `flt` (and `where`) in ascending `date_added`, after `after`, ≤ `limit`.

    `where` is an extra condition on `stix_objects`, such as a visibility clause; `first` and
    `last` versions are then the first and last among the rows it admits.
    """
    statement = _paged(select(StixObject), collection_id, flt, where, limit, after)
    rows = list(session.scalars(statement))
    more = limit is not None and len(rows) > limit
    return Page(rows[:limit] if more else rows, more)


def read_columns(
    session: Session,
    collection_id: str,
    flt: ObjectFilter,
    columns: Sequence[ColumnElement[Any]],
    *,
    limit: int | None = None,
    after: int | None = None,
    where: ColumnElement[bool] | None = None,
) -> RowPage:
    """Like `read_page`, loading only `columns` (then `date_added`) of each matching row."""
    statement = select(*columns, StixObject.date_added)
    result = session.execute(_paged(statement, collection_id, flt, where, limit, after))
    rows: list[Sequence[Any]] = [tuple(row) for row in result]
    more = limit is not None and len(rows) > limit
    return RowPage(rows[:limit] if more else rows, more)


def count_objects(
    session: Session,
    collection_id: str,
    flt: ObjectFilter,
    *,
    where: ColumnElement[bool] | None = None,
) -> int:
    """How many stored versions match `flt` (and `where`)."""
    statement = select(func.count()).select_from(StixObject)
    return int(session.scalar(_filtered(statement, collection_id, flt, where)) or 0)


def delete_objects(
    session: Session,
    collection_id: str,
    flt: ObjectFilter,
    *,
    where: ColumnElement[bool] | None = None,
) -> int:
    """Delete the versions matching `flt` (and `where`); return how many."""
    keys = [
        (row.id, row.modified)
        for row in session.execute(
            _filtered(select(StixObject.id, StixObject.modified), collection_id, flt, where)
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
