"""RFI objects are valid STIX 2.1 new SDOs, and the validator refuses malformed ones."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.exchange.rfi_objects import event_object, rfi_object
from liaison.stix.extensions import (
    HANDLING_EXTENSION_ID,
    RFI_EXTENSION_ID,
    handling_of,
    published_definitions,
)
from liaison.stix.tlp import Tlp, object_tlp
from liaison.stix.validate import validate_object

CREATED = "2026-05-01T09:00:00.000Z"


def _rfi(**extra: Any) -> dict[str, Any]:
    obj = rfi_object(requester="ca", addressee="in", pillar="immigration-fraud", priority="routine",
                     due="2026-05-30T23:59:59.999Z", question="Visa agent 'Example Travels'?",
                     created=CREATED, legal_basis="arrangement s. 3",
                     refs=["indicator--00000000-0000-4000-8000-000000000001"])  # fmt: skip
    return {**obj, **extra}


RFI_ID = _rfi()["id"]
EARLIER_EVENT = "liaison-rfi-event--00000000-0000-4000-8000-000000000009"


def _event(kind: str, **extra: Any) -> dict[str, Any]:
    return event_object(rfi_id=RFI_ID, previous=RFI_ID, event_type=kind, party="in",
                        parties=("ca", "in"), created=CREATED, **extra)  # fmt: skip


def _problems(obj: dict[str, Any]) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in validate_object(obj)]


def test_objects_are_valid_and_marked() -> None:
    rfi = _rfi()
    assert _problems(rfi) == []
    assert rfi["extensions"][RFI_EXTENSION_ID] == {"extension_type": "new-sdo"}
    handling = handling_of(rfi)
    assert handling is not None and handling.releasable_to == ["ca", "in"]
    assert handling.legal_basis == "arrangement s. 3"
    assert object_tlp(rfi) is Tlp.AMBER
    for event in (_event("acknowledge"), _event("answer", text="t", refs=[rfi["object_refs"][0]]),
                  _event("decline", reason="r"), _event("close"),
                  {**_event("close"), "previous_ref": EARLIER_EVENT}):  # fmt: skip
        assert _problems(event) == [], event


def test_the_extension_definition_is_published_and_valid() -> None:
    definitions = {d["id"]: d for d in published_definitions()}
    definition = definitions[RFI_EXTENSION_ID]
    assert definition["extension_types"] == ["new-sdo"]
    assert definition["created_by_ref"] in definitions
    assert _problems(definition) == []


def _without(obj: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if key != name}


@pytest.mark.parametrize(
    ("obj", "problem"),
    [
        (_rfi(pillar="weather"), ("pillar", "is not one of")),
        (_rfi(priority="asap"), ("priority", "is not one of")),
        (_rfi(due="next week"), ("due", "is not an RFC 3339 UTC timestamp")),
        (_rfi(addressee="ca"), ("addressee", "must differ from requester")),
        (_rfi(requester="Canada!"), ("requester", "party code")),
        (_without(_rfi(), "question"), ("question", "is required")),
        (_rfi(extensions={HANDLING_EXTENSION_ID: {"extension_type": "property-extension"}}),
         ("extensions", "must declare")),
        (_rfi(extensions={RFI_EXTENSION_ID: {"extension_type": "property-extension"}}),
         ("extensions", "must declare")),
        (_event("answer"), ("text", "an answer needs text")),
        (_event("decline"), ("reason", "a decline needs a reason")),
        (_event("escalate"), ("event_type", "is not one of")),
        ({**_event("close"), "rfi_ref": "indicator--00000000-0000-4000-8000-000000000001"}, ("rfi_ref", "must refer to liaison-rfi")),
        (_without(_event("close"), "party"), ("party", "is required")),
        (_without(_event("close"), "previous_ref"), ("previous_ref", "is required")),
        ({**_event("close"), "previous_ref": "indicator--00000000-0000-4000-8000-000000000001"}, ("previous_ref", "must refer to")),
        ({**_event("close"), "previous_ref": "liaison-rfi--00000000-0000-4000-8000-000000000002"}, ("previous_ref", "own RFI")),
        ((lambda e: {**e, "previous_ref": e["id"]})(_event("close")), ("previous_ref", "must not be the event itself")),
        (_rfi(requester="c"), ("requester", "party code")),  # too short for `liaison party add`
        (_rfi(addressee="1n"), ("addressee", "party code")),
        (_rfi(requester="ca_rcmp"), ("requester", "party code")),
    ],
)  # fmt: skip
def test_malformed_objects_are_refused(obj: dict[str, Any], problem: tuple[str, str]) -> None:
    problems = _problems(obj)
    assert any(field == problem[0] and problem[1] in message for field, message in problems), (
        problems
    )
