"""Hits turned into STIX 2.1 sightings, shared back to the party whose indicator fired.

Per indicator, one `sighting`: `sighting_of_ref` the indicator, `count` the hits, `first_seen` and
`last_seen` the span of the matching events, `observed_data_refs` one `observed-data` per
matching event (the first `OBSERVED_LIMIT`; `count` still counts them all) with its
cyber-observables as top-level SCOs, and `where_sighted_refs` / `created_by_ref` this node's
identity. Everything carries TLP:AMBER and the liaison handling extension with `releasable_to`
this party and the indicator's originating party, so sync carries the sighting to the originator.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from liaison.cyber.events import EventSource, Hit, LogEvent
from liaison.cyber.observed import top_level_scos
from liaison.errors import ObjectProblem
from liaison.stix.extensions import HANDLING_EXTENSION_ID, Evaluation, Handling, handling_of
from liaison.stix.timestamps import format_timestamp, micros_to_datetime, now_timestamp
from liaison.stix.tlp import Tlp
from liaison.stix.validate import validate_object

OBSERVED_LIMIT = 100
NODE_NAMESPACE = uuid.UUID("18b2e72f-8354-41eb-9841-43438ba9311b")
"""The namespace of node identity ids: the same as `liaison.demo.data`, so the identity a node
names itself by in its demo data and in its sightings is one object."""
IDENTITY_CREATED = "2026-11-02T09:30:00.000Z"
SIGHTING_PURPOSE = "feedback to the originator: its indicator matched this party's network logs"
SIGHTING_CAVEAT = (
    "Automated match of a shared indicator against the sighting party's logs; not yet "
    "investigated. Not for onward release."
)
SIGHTING_EVALUATION = Evaluation(source_reliability="A", information_credibility=2)
"""The party's own sensors (A: completely reliable); a pattern match, not yet confirmed (2)."""


@dataclass(slots=True)
class Tally:
    """The hits of one indicator: how many, their time span, and the first distinct events."""

    count: int = 0
    first: int | None = None
    last: int | None = None
    events: list[LogEvent] = field(default_factory=list)
    seen: set[EventSource] = field(default_factory=set)


class Sightings:
    """Hits tallied per indicator, in constant memory per indicator."""

    def __init__(self, limit: int = OBSERVED_LIMIT) -> None:
        self.limit = limit
        self.tallies: dict[str, Tally] = {}

    def add(self, hit: Hit) -> None:
        """Count one hit and keep its events (up to the limit)."""
        tally = self.tallies.setdefault(hit.indicator_id, Tally())
        tally.count += 1
        for event in hit.events:
            if tally.first is None or event.first_observed < tally.first:
                tally.first = event.first_observed
            if tally.last is None or event.last_observed > tally.last:
                tally.last = event.last_observed
            if len(tally.events) < self.limit and event.source not in tally.seen:
                tally.seen.add(event.source)
                tally.events.append(event)


def node_identity_id(node: str) -> str:
    """The deterministic id of the identity that stands for a node's agency."""
    return f"identity--{uuid.uuid5(NODE_NAMESPACE, f'identity/node/{node}')}"


def node_identity(node: str, party: str, releasable_to: Iterable[str]) -> dict[str, Any]:
    """The identity of this node's agency, releasable to `releasable_to`."""
    handling = Handling(
        releasable_to=sorted(set(releasable_to)), purpose="name the sighting party",
        caveats=[SIGHTING_CAVEAT], evaluation=SIGHTING_EVALUATION,
    )  # fmt: skip
    return {
        "type": "identity", "spec_version": "2.1", "id": node_identity_id(node),
        "created": IDENTITY_CREATED, "modified": IDENTITY_CREATED,
        "name": f"liaison node {node} ({party})", "identity_class": "organization",
        "object_marking_refs": [Tlp.AMBER.marking_id],
        "extensions": {HANDLING_EXTENSION_ID: handling.as_extension()},
    }  # fmt: skip


def _stamp(micros: int) -> str:
    return format_timestamp(micros_to_datetime(micros))


def sighting_handling(parties: Iterable[str], indicator: Mapping[str, Any]) -> dict[str, Any]:
    """The handling extension of a sighting of `indicator` (whose legal basis it keeps)."""
    given = handling_of(indicator)
    handling = Handling(
        releasable_to=sorted(set(parties)), purpose=SIGHTING_PURPOSE,
        legal_basis=given.legal_basis if given else None, caveats=[SIGHTING_CAVEAT],
        evaluation=SIGHTING_EVALUATION,
    )  # fmt: skip
    return {HANDLING_EXTENSION_ID: handling.as_extension()}


def _labelled(obj: dict[str, Any], extensions: Mapping[str, Any]) -> dict[str, Any]:
    """`obj` with TLP:AMBER and the handling extension (beside its own extensions)."""
    obj["object_marking_refs"] = [Tlp.AMBER.marking_id]
    obj["extensions"] = {**obj.get("extensions", {}), **extensions}
    return obj


def observed_data(
    event: LogEvent,
    author: str,
    extensions: Mapping[str, Any],
    now: str,
    dropped: list[ObjectProblem] | None = None,
) -> list[dict[str, Any]]:
    """The SCOs of one event and the `observed-data` that refers to them (last); [] when none of
    its observables is valid STIX. Invalid observables (a log's odd host name …) are left out,
    their problems added to `dropped`."""
    scos = []
    for sco in top_level_scos(event.objects):
        labelled = _labelled(sco, extensions)
        problems = validate_object(labelled)
        if problems and dropped is not None:
            dropped.extend(problems)
        elif not problems:
            scos.append(labelled)
    if not scos:
        return []
    observed = {
        "type": "observed-data", "spec_version": "2.1", "id": f"observed-data--{uuid.uuid4()}",
        "created": now, "modified": now, "created_by_ref": author,
        "first_observed": _stamp(event.first_observed),
        "last_observed": _stamp(event.last_observed),
        "number_observed": event.number_observed,
        "object_refs": [sco["id"] for sco in scos],
    }  # fmt: skip
    return [*scos, _labelled(observed, extensions)]


def sighting_objects(
    indicator: Mapping[str, Any],
    tally: Tally,
    author: str,
    parties: Iterable[str],
    dropped: list[ObjectProblem] | None = None,
) -> list[dict[str, Any]]:
    """The sighting of `indicator` with its observed-data and SCOs (the sighting last);
    `dropped` collects the problems of observables left out as invalid."""
    if tally.first is None or tally.last is None:
        raise ValueError("a sighting needs at least one event")
    now = now_timestamp()
    extensions = sighting_handling(parties, indicator)
    objects: list[dict[str, Any]] = []
    observed_ids = []
    for event in tally.events:
        part = observed_data(event, author, extensions, now, dropped)
        if part:
            observed_ids.append(part[-1]["id"])
            objects += part
    sighting = {
        "type": "sighting", "spec_version": "2.1", "id": f"sighting--{uuid.uuid4()}",
        "created": now, "modified": now, "created_by_ref": author,
        "sighting_of_ref": indicator["id"], "count": tally.count,
        "first_seen": _stamp(tally.first), "last_seen": _stamp(tally.last),
        "where_sighted_refs": [author],
    }  # fmt: skip
    if observed_ids:
        sighting["observed_data_refs"] = observed_ids
    objects.append(_labelled(sighting, extensions))
    return objects
