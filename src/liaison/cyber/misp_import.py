"""STIX 2.1 objects from MISP event JSON, converted by MISP's own `misp-stix` library.

A file may hold one event (`{"Event": {...}}` or the bare event), a list of them, or a MISP REST
search answer (`{"response": [...]}`). Each event is converted on its own. The objects misp-stix
produces then meet our validator: an object it rejects is dropped and reported (file, object id,
reason) rather than failing the whole event, because the rest of the event (its indicators above
all) is still worth sharing and the fault lies in the conversion, not in the analyst's data.
References to a dropped object are left as they are (STIX allows references to objects that are
not at hand). Attributes misp-stix itself refuses to convert (an `ip-dst` that is no address) are
reported the same way, with misp-stix's message naming the attribute.

Objects without markings of their own take the event's (the markings misp-stix puts on the
event's report or grouping, from tags such as `tlp:amber`), as MISP applies an event's tags to its
attributes: without this, a TLP:AMBER event's indicators would fall to the collection's default.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from liaison.errors import InvalidInput, ObjectProblem
from liaison.stix.validate import validate_object

_SKIPPED = "Failed validation"  # how misp-stix words the warning for an attribute it skipped


@dataclass(frozen=True, slots=True)
class MispConversion:
    """The valid objects of a MISP file and the problems of those that were dropped."""

    objects: list[dict[str, Any]]
    dropped: list[ObjectProblem] = field(default_factory=list)


def misp_events(document: Any, source: str) -> list[dict[str, Any]]:
    """The MISP events of a parsed JSON document, each as `{"Event": {...}}`."""
    if isinstance(document, dict) and isinstance(document.get("response"), list):
        document = document["response"]
    items = document if isinstance(document, list) else [document]
    events = []
    for number, item in enumerate(items, start=1):
        event = item.get("Event", item) if isinstance(item, dict) else None
        if not isinstance(event, dict) or not ("info" in event or "Attribute" in event):
            raise InvalidInput(
                f"{source}: item {number} is not a MISP event (expected an object with 'Event', "
                "or an event with 'info' and 'Attribute')"
            )
        events.append({"Event": event})
    if not events:
        raise InvalidInput(f"{source}: no MISP events")
    return events


@contextmanager
def _pymisp_quiet() -> Iterator[None]:
    """Silence pymisp's own log of invalid attributes: we report them as dropped instead."""
    logger = logging.getLogger("pymisp")
    before, logger.disabled = logger.disabled, True
    try:
        yield
    finally:
        logger.disabled = before


def _converted(
    event: dict[str, Any], source: str, number: int
) -> tuple[list[dict[str, Any]], list[ObjectProblem]]:
    """The objects misp-stix makes of one event, and the attributes it refused to convert."""
    from misp_stix_converter import MISPtoSTIX21Parser

    parser = MISPtoSTIX21Parser()
    try:
        with _pymisp_quiet():
            parser.parse_misp_event(event)
        objects = [orjson.loads(obj.serialize()) for obj in parser.stix_objects]
    except Exception as exc:  # misp-stix raises its own and plain errors on malformed events
        info = event["Event"].get("info", "")
        raise InvalidInput(
            f"{source}: event {number} ({info!r}) could not be converted by misp-stix: "
            f"{type(exc).__name__}: {exc}"
        ) from None
    where = f"MISP event {event['Event'].get('uuid') or number}"
    messages = [str(m) for ms in parser.errors.values() for m in ms] + [
        str(m) for ms in parser.warnings.values() for m in ms if str(m).startswith(_SKIPPED)
    ]
    refused = [ObjectProblem(where, "", f"misp-stix: {' '.join(m.split())}") for m in messages]
    return objects, refused


def _with_event_markings(
    objects: list[dict[str, Any]], event: dict[str, Any]
) -> list[dict[str, Any]]:
    """Objects without markings get the event's (its report's or grouping's), as in MISP."""
    uuid = event["Event"].get("uuid")
    containers = {f"report--{uuid}", f"grouping--{uuid}"}
    refs = next((o.get("object_marking_refs") for o in objects if o["id"] in containers), None)
    if not refs:
        return objects
    return [
        obj if obj["type"] == "marking-definition" or "object_marking_refs" in obj
        else {**obj, "object_marking_refs": list(refs)}
        for obj in objects
    ]  # fmt: skip


def convert_misp_document(document: Any, source: str) -> MispConversion:
    """The STIX 2.1 objects of every MISP event in `document`, less those our validator rejects."""
    kept: dict[str, dict[str, Any]] = {}
    dropped: list[ObjectProblem] = []
    for number, event in enumerate(misp_events(document, source), start=1):
        objects, refused = _converted(event, source, number)
        dropped.extend(refused)
        for obj in _with_event_markings(objects, event):
            problems = validate_object(obj)
            if problems:
                dropped.extend(problems)
            else:
                kept.setdefault(_version_key(obj), obj)
    return MispConversion(list(kept.values()), dropped)


def _version_key(obj: dict[str, Any]) -> str:
    return f"{obj['id']}@{obj.get('modified') or obj.get('created') or ''}"


def read_misp_file(
    path: Path, on_dropped: Callable[[Path, list[ObjectProblem]], None] | None = None
) -> list[dict[str, Any]]:
    """The valid STIX objects converted from a MISP JSON file; dropped ones go to `on_dropped`."""
    try:
        document = orjson.loads(path.read_bytes())
    except OSError as exc:
        raise InvalidInput(f"{path}: {exc.strerror or exc}") from None
    except orjson.JSONDecodeError as exc:
        raise InvalidInput(
            f"{path}: malformed JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from None
    conversion = convert_misp_document(document, str(path))
    if conversion.dropped and on_dropped is not None:
        on_dropped(path, conversion.dropped)
    return conversion.objects
