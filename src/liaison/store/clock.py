"""Strictly increasing `date_added` values, shared by every writer of the store."""

from __future__ import annotations

from sqlalchemy import case, update
from sqlalchemy.orm import Session

from liaison.stix.timestamps import now_micros
from liaison.store.models import NodeClock


def reserve_date_added(session: Session, count: int) -> int:
    """Reserve `count` consecutive `date_added` values and return the first.

    Values never go backwards and never repeat, even if the wall clock does: the first value is
    max(previous + 1, now). The clock row stays locked until the session commits, which makes
    commit order equal `date_added` order for every reader that pages by it.
    """
    now = now_micros()
    last = NodeClock.last_date_added
    statement = (
        update(NodeClock)
        .where(NodeClock.id == 1)
        .values(
            last_date_added=case(
                (last + count > now + count - 1, last + count), else_=now + count - 1
            )
        )
        .returning(NodeClock.last_date_added)
    )
    reserved_last = session.execute(statement).scalar_one()
    return int(reserved_last) - count + 1
