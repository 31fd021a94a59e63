"""The share form: an indicator, a precursor incident or a note, built from form fields.

`build` turns the posted fields into one STIX object with its TLP marking and liaison handling
extension (releasable-to, recipients, purpose, legal basis, retain-until, evaluation), or into
problems keyed by form field. `store` admits it through the same path as a TAXII POST
(`liaison.store.objects.add_objects` under the caller's write grant, in one transaction with its
audit entries); admission's own problems come back keyed by field as well.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from liaison.access.release import held_back, record_held_back
from liaison.access.visibility import Viewer
from liaison.audit.log import record
from liaison.errors import InvalidStix
from liaison.stix.extensions import (
    HANDLING_EXTENSION_ID,
    PRECURSOR_EXTENSION_ID,
    Evaluation,
    Handling,
)
from liaison.stix.precursor import PrecursorIncident
from liaison.stix.timestamps import format_timestamp
from liaison.stix.tlp import Tlp
from liaison.store.objects import Origin, add_objects
from liaison.store.workflow import refuse_workflow_objects
from liaison.taxii.deps import open_collection

KINDS = ("indicator", "incident", "note")
TEXT_MAX = 5000
SHARED = "objects.added"


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a share did: the stored object's id, or the problems by form field."""

    object_id: str | None = None
    problems: dict[str, str] = field(default_factory=dict)


class _Problems(dict[str, str]):
    """Problems by form field; the first one found for a field is kept."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, message)


def _text(form: Mapping[str, Any], name: str, problems: _Problems, *, required: bool) -> str:
    value = str(form.get(name) or "").strip()
    if required and not value:
        problems.add(name, "required")
    elif len(value) > TEXT_MAX:
        problems.add(name, f"at most {TEXT_MAX} characters")
    return value


def _day(form: Mapping[str, Any], problems: _Problems, now: datetime) -> str | None:
    text = str(form.get("retain_until") or "").strip()
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        problems.add("retain_until", "a date, YYYY-MM-DD")
        return None
    if day <= now:
        problems.add("retain_until", "must be in the future")
    return format_timestamp(day)


def _evaluation(form: Mapping[str, Any], problems: _Problems) -> Evaluation | None:
    reliability = str(form.get("reliability") or "")
    credibility = str(form.get("credibility") or "")
    if not reliability and not credibility:
        return None
    try:
        return Evaluation(source_reliability=reliability, information_credibility=int(credibility))
    except (ValueError, ValidationError):
        problems.add(
            "reliability", "choose both a source reliability (A–F) and a credibility (1–6)"
        )
        return None


def _tlp(form: Mapping[str, Any], problems: _Problems) -> Tlp | None:
    try:
        return Tlp(str(form.get("tlp") or ""))
    except ValueError:
        problems.add("tlp", "choose a TLP level")
        return None


def handling(
    form: Mapping[str, Any], parties: list[str], problems: _Problems, now: datetime
) -> dict[str, Any] | None:
    """The handling extension the form describes (None, with problems, when it is incomplete)."""
    tlp = _tlp(form, problems)
    releasable = [str(p) for p in form.get("releasable_to", [])]
    if any(party not in parties for party in releasable):
        problems.add("releasable_to", "unknown party")
    recipients = [n.strip() for n in str(form.get("recipients") or "").split(",") if n.strip()]
    if tlp is Tlp.AMBER_STRICT and not releasable:
        problems.add("releasable_to", "TLP:AMBER+STRICT needs the parties it is released to")
    if tlp is Tlp.RED and not recipients:
        problems.add("recipients", "TLP:RED needs the named recipients")
    purpose = _text(form, "purpose", problems, required=True)
    legal_basis = _text(form, "legal_basis", problems, required=True)
    retain_until = _day(form, problems, now)
    evaluation = _evaluation(form, problems)
    caveat = _text(form, "caveat", problems, required=False)
    if problems:
        return None
    body = Handling(
        releasable_to=releasable, recipients=recipients, purpose=purpose,
        legal_basis=legal_basis, retain_until=retain_until, evaluation=evaluation,
        caveats=[caveat] if caveat else [],
    )  # fmt: skip
    return {HANDLING_EXTENSION_ID: body.as_extension()}


def _indicator(form: Mapping[str, Any], problems: _Problems, stamp: str) -> dict[str, Any]:
    return {
        "name": _text(form, "name", problems, required=True),
        "pattern": _text(form, "pattern", problems, required=True),
        "pattern_type": "stix", "valid_from": stamp, "indicator_types": ["malicious-activity"],
    }  # fmt: skip


def _note(form: Mapping[str, Any], problems: _Problems) -> dict[str, Any]:
    content = _text(form, "content", problems, required=True)
    refs = [r.strip() for r in str(form.get("refs") or "").split(",") if r.strip()]
    if not refs:
        problems.add("refs", "a note refers to at least one object (its id)")
    return {"content": content, "object_refs": refs}


def _incident(form: Mapping[str, Any], problems: _Problems) -> dict[str, Any]:
    name = _text(form, "name", problems, required=True)
    quantity = str(form.get("quantity_kg") or "").strip()
    substance: dict[str, Any] = {"name": _text(form, "substance", problems, required=True)}
    if cas := str(form.get("cas") or "").strip():
        substance["cas"] = cas
    try:
        if quantity:
            substance["quantity_kg"] = float(quantity)
    except ValueError:
        problems.add("quantity_kg", "a number of kilograms")
    countries = {
        key: str(form.get(key) or "").strip().upper() or None
        for key in ("origin_country", "destination_country")
    }
    try:
        extension = PrecursorIncident(
            incident_type=str(form.get("incident_type") or ""), substances=[substance],
            **countries,
        ).as_extension()  # fmt: skip
    except ValidationError as exc:
        for error in exc.errors():
            where = _incident_field(error["loc"])
            problems.add(where, error["msg"])
        extension = {}
    return {"name": name, "extensions": {PRECURSOR_EXTENSION_ID: extension}}


def _incident_field(loc: tuple[Any, ...]) -> str:
    names = {"substances": "substance", "cas": "cas", "quantity_kg": "quantity_kg"}
    for part in reversed(loc):
        if part in ("origin_country", "destination_country", "incident_type"):
            return str(part)
        if part in names:
            return names[str(part)]
    return "incident_type"


def build(
    form: Mapping[str, Any], parties: list[str], now: datetime | None = None
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """The object the form describes, or None and the problems by field."""
    now = now or datetime.now(UTC)
    problems = _Problems()
    kind = str(form.get("kind") or "")
    if kind not in KINDS:
        problems.add("kind", "choose an indicator, a precursor incident or a note")
        return None, dict(problems)
    stamp = format_timestamp(now)
    tlp = _tlp(form, _Problems())
    props = {
        "indicator": lambda: _indicator(form, problems, stamp),
        "note": lambda: _note(form, problems),
        "incident": lambda: _incident(form, problems),
    }[kind]()
    extensions = handling(form, parties, problems, now)
    if problems or extensions is None or tlp is None:
        return None, dict(problems)
    obj: dict[str, Any] = {
        "type": kind, "spec_version": "2.1", "id": f"{kind}--{uuid.uuid4()}",
        "created": stamp, "modified": stamp, "object_marking_refs": [tlp.marking_id], **props,
    }  # fmt: skip
    obj["extensions"] = {**props.get("extensions", {}), **extensions}
    return obj, {}


def _field_of(problem_field: str) -> str:
    """The form field an admission problem is about (the form as a whole when unknown)."""
    head = problem_field.split(".")[0].split("[")[0]
    known = {"pattern": "pattern", "name": "name", "content": "content", "object_refs": "refs"}
    if "substances" in problem_field:
        return "substance"
    return known.get(head, "form")


def store(
    session: Session,
    viewer: Viewer,
    collection_id: str,
    obj: dict[str, Any],
    *,
    node: str,
    require_evaluation: bool,
) -> Outcome:
    """Admit `obj` into the collection under the viewer's write grant, with its audit entries,
    in the session's transaction; admission's problems come back by field (nothing stored)."""
    access = open_collection(session, viewer, collection_id, write=True)
    try:
        with session.begin_nested():
            refuse_workflow_objects([obj])
            added = add_objects(
                session, access.collection, [obj], origin=Origin(node, viewer.party),
                actor=viewer.name,
            )  # fmt: skip
    except InvalidStix as exc:
        problems = _Problems()
        for problem in exc.problems:
            problems.add(_field_of(problem.field), problem.message)
        return Outcome(problems=dict(problems))
    held = held_back([obj], require_evaluation=require_evaluation)
    record_held_back(session, viewer.name, collection_id, held)
    record(session, SHARED, viewer.name, {
        "collection": collection_id, "party": viewer.party, "via": "web",
        "added": added.added, "ids": [[obj["id"], obj["modified"]]],
    })  # fmt: skip
    return Outcome(object_id=obj["id"])


KIND_LABELS = {"indicator": "Indicator", "incident": "Precursor incident", "note": "Note"}
