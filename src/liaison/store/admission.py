"""Which objects may enter a collection, checked batch by batch ahead of the writer.

An object is admitted when it is valid STIX 2.1, its liaison handling extension (if any) is well
formed, and it carries a TLP marking or the collection has a default TLP; admission also prepares
its stored columns and JSON text. Large writes are admitted in worker processes a few batches ahead
of the database writer, so validation and storage run on separate cores; small writes are checked in-line, where starting a process would cost more than it saves.
The workers are `liaison.workers`' shared pool.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Generator, Mapping, Sequence
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson

from liaison.access.visibility import name_list
from liaison.errors import InvalidStix, LiaisonError, ObjectProblem
from liaison.stix.extensions import HANDLING_EXTENSION_ID, Handling, is_evaluated
from liaison.stix.timestamps import parse_timestamp_micros, version_key
from liaison.stix.tlp import object_tlp
from liaison.stix.validate import validate_objects
from liaison.workers import forget_broken_pool, process_pool, split

PARALLEL_MIN_OBJECTS = 20_000
BATCHES_AHEAD = 4


@dataclass(frozen=True, slots=True)
class Destination:
    """What admission needs to know of the target collection."""

    name: str
    default_tlp: str | None


def _handling_problem(obj: Mapping[str, Any], index: int) -> ObjectProblem | None:
    extensions = obj.get("extensions")
    if not isinstance(extensions, dict) or HANDLING_EXTENSION_ID not in extensions:
        return None
    try:
        Handling.model_validate(extensions[HANDLING_EXTENSION_ID])
    except ValueError as exc:
        message = str(exc).splitlines()
        detail = "; ".join(line.strip() for line in message[1:3]) or message[0]
        return ObjectProblem(
            str(obj.get("id", "")), "extensions", f"liaison handling: {detail}", index
        )
    return None


def admission_problems(
    objects: Sequence[Any], destination: Destination, offset: int = 0
) -> list[ObjectProblem]:
    """Every reason an object of `objects` may not enter `destination`; [] when all may."""
    problems = validate_objects(objects, offset=offset)
    if problems:
        return problems
    for index, obj in enumerate(objects, start=offset):
        problem = _handling_problem(obj, index)
        if problem is not None:
            problems.append(problem)
        elif destination.default_tlp is None and object_tlp(obj) is None:
            problems.append(ObjectProblem(
                obj["id"], "object_marking_refs",
                f"no TLP marking and collection '{destination.name}' has no default TLP", index,
            ))  # fmt: skip
    return problems


class Prepared(NamedTuple):
    """An admitted object's key and column values, computed off the writer's critical path.

    `version` is None for an SCO without `modified`/`created`: the writer versions it by the
    `date_added` it assigns. `body` is the object as JSON text, ready for the store.
    """

    id: str
    version: str | None
    type: str
    created: str | None
    spec_version: str
    tlp: str | None
    revoked: bool
    expires_at: int | None
    releasable_to: str | None
    recipients: str | None
    evaluated: bool
    body: str


def object_version(obj: Mapping[str, Any]) -> str | None:
    """The version key of an object: `modified`, else `created`, else None (an SCO)."""
    stamp = obj.get("modified") or obj.get("created")
    return version_key(stamp) if isinstance(stamp, str) else None


def _handling(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    extensions = obj.get("extensions")
    handling = extensions.get(HANDLING_EXTENSION_ID) if isinstance(extensions, dict) else None
    return handling if isinstance(handling, dict) else {}


def prepared_row(obj: Mapping[str, Any]) -> Prepared:
    """The stored columns and JSON text of an object that `admission_problems` found no fault in."""
    created = obj.get("created")
    level = object_tlp(obj)
    handling = _handling(obj)
    retain_until = handling.get("retain_until")
    return Prepared(
        obj["id"],
        object_version(obj),
        obj["type"],
        version_key(created) if isinstance(created, str) else None,
        obj.get("spec_version", "2.1"),
        level.value if level else None,
        obj.get("revoked") is True,
        parse_timestamp_micros(retain_until) if retain_until else None,
        name_list(handling.get("releasable_to")),
        name_list(handling.get("recipients")),
        is_evaluated(obj),
        orjson.dumps(obj).decode(),
    )


def _admitted_now(objects: Sequence[Any], destination: Destination, offset: int) -> list[Prepared]:
    problems = admission_problems(objects, destination, offset)
    if problems:
        raise InvalidStix(problems)
    return [prepared_row(obj) for obj in objects]


def admitted_batches(
    objects: Sequence[Any],
    destination: Destination,
    batch_size: int,
    *,
    in_workers: bool | None = None,
) -> Generator[tuple[Sequence[Any], list[Prepared]], None, None]:
    """Each batch of `objects` in order with its prepared rows, once the whole batch is admitted.

    `in_workers` chooses where admission runs (default: in worker processes for writes of
    PARALLEL_MIN_OBJECTS or more); each batch is then split among the workers. Raises InvalidStix
    naming every problem of the first batch that has any; the batches yielded before it were
    admitted, so the caller's transaction must roll back to keep the write whole.
    """
    starts = range(0, len(objects), batch_size)
    if not (len(objects) >= PARALLEL_MIN_OBJECTS if in_workers is None else in_workers):
        for start in starts:
            batch = objects[start : start + batch_size]
            yield batch, _admitted_now(batch, destination, start)
        return
    pending: deque[tuple[int, list[Future[Admitted]]]] = deque()
    try:
        for start in starts:
            batch = objects[start : start + batch_size]
            pending.append((start, _submitted(batch, destination, start)))
            if len(pending) > BATCHES_AHEAD:
                yield _admitted(objects, pending.popleft(), batch_size)
        while pending:
            yield _admitted(objects, pending.popleft(), batch_size)
    finally:
        for _, futures in pending:
            for future in futures:
                future.cancel()


Admitted = tuple[list[ObjectProblem], list[Prepared]]
"""What a worker found of its part: the problems, else (no problems) the prepared rows."""


def admitted_part(part: Sequence[Any], destination: Destination, offset: int) -> Admitted:
    """Admit one part of a batch in a worker: its problems, or its prepared rows when it has none.

    The rows are prepared in the worker too, which already holds the objects: the writer then
    only inserts them.
    """
    problems = admission_problems(part, destination, offset)
    return problems, [] if problems else [prepared_row(obj) for obj in part]


def _submitted(
    batch: Sequence[Any], destination: Destination, start: int
) -> list[Future[Admitted]]:
    """The batch's admission, split among the workers (each part keeps its own offsets)."""
    futures = []
    offset = start
    for part in split(batch):
        futures.append(process_pool().submit(admitted_part, part, destination, offset))
        offset += len(part)
    return futures


def _admitted(
    objects: Sequence[Any],
    checked: tuple[int, list[Future[Admitted]]],
    batch_size: int,
) -> tuple[Sequence[Any], list[Prepared]]:
    start, futures = checked
    try:
        parts = [future.result() for future in futures]
    except BrokenProcessPool:
        forget_broken_pool()
        raise LiaisonError(
            "a validation worker process died (out of memory?); nothing was stored"
        ) from None
    problems = [problem for part_problems, _ in parts for problem in part_problems]
    if problems:
        raise InvalidStix(problems)
    return objects[start : start + batch_size], [row for _, rows in parts for row in rows]
