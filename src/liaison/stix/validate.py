"""STIX 2.1 validation fast enough for bulk import.

`validate_object` returns every problem of one object (object id, field, message); the bundle and
batch helpers collect problems for many objects. Property checks come from `liaison.stix.types`,
cross-property rules from `liaison.stix.rules`; liaison's own new SDOs (requests for information)
from `liaison.stix.rfi` and its precursor-incident extension from `liaison.stix.precursor`. Unknown types are custom objects: with a `new-sco`
extension they follow SCO rules, otherwise SDO rules (the STIX 2.1 custom-object mechanism).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from liaison.errors import InvalidStix, ObjectProblem
from liaison.stix import checks as c
from liaison.stix.fraudring import FRAUD_RING_RULES
from liaison.stix.pprl import PPRL_RULES, PPRL_TYPES
from liaison.stix.precursor import PRECURSOR_RULES
from liaison.stix.rfi import RFI_RULES, RFI_TYPES
from liaison.stix.rules import COMMON_RULES, TYPE_RULES
from liaison.stix.types import (
    CUSTOM_SCO,
    CUSTOM_SDO,
    RESERVED_PROPERTIES,
    RESERVED_TYPES,
    TYPES,
    TypeSpec,
)

CUSTOM_PROPERTY_RE = re.compile(r"^[a-z][a-z0-9_]{2,249}$")
_IDENTIFIER = c.ref()
_IDENTIFIERS = c.refs()


def _custom_spec(obj: Mapping[str, Any]) -> TypeSpec:
    extensions = obj.get("extensions")
    if isinstance(extensions, dict):
        for body in extensions.values():
            if isinstance(body, dict) and body.get("extension_type") == "new-sco":
                return CUSTOM_SCO
    return CUSTOM_SDO


def _custom_checker(name: str) -> c.Checker:
    if name.endswith("_bin"):
        return c.binary
    if name.endswith("_hex"):
        return c.hex_string
    return c.custom_value


def type_problem(kind: str) -> str | None:
    """Why `kind` is not a valid STIX type name, or None."""
    if not 3 <= len(kind) <= 250 or c.TYPE_NAME_RE.match(kind) is None:
        return f"'{kind}' is not a valid type name (3-250 characters of a-z, 0-9 and -)"
    if kind in RESERVED_TYPES:
        return f"'{kind}' is a reserved type name"
    return None


def validate_object(obj: object, index: int | None = None) -> list[ObjectProblem]:
    """Every way `obj` breaks STIX 2.1, each naming the object id and the field; [] when valid."""
    if not isinstance(obj, dict):
        return [ObjectProblem("", "", "must be a JSON object", index)]
    identifier = obj.get("id")
    object_id = identifier if isinstance(identifier, str) else ""
    problems: list[ObjectProblem] = []

    def report(field: str, message: str) -> None:
        problems.append(ObjectProblem(object_id, field, message, index))

    kind = obj.get("type")
    if not isinstance(kind, str):
        report("type", "is required" if kind is None else "must be a string")
        return problems
    problem = type_problem(kind)
    if problem:
        report("type", problem)
        return problems
    spec = TYPES.get(kind) or RFI_TYPES.get(kind) or PPRL_TYPES.get(kind) or _custom_spec(obj)
    for name in spec.required:
        if name not in obj:
            report(name, "is required")
    properties = spec.properties
    for name, value in obj.items():
        checker = properties.get(name)
        if checker is None:
            if name in RESERVED_PROPERTIES:
                report(name, "is a reserved property name")
                continue
            if CUSTOM_PROPERTY_RE.match(name) is None:
                report(
                    name,
                    "is not a valid property name (3-250 characters of a-z, 0-9, _; a letter first)",
                )
                continue
            checker = _custom_checker(name)
        problem = checker(value)
        if problem:
            report(name, problem)
    if not problems:
        extra = RFI_RULES.get(kind, ()) + PRECURSOR_RULES.get(kind, ())
        extra += PPRL_RULES.get(kind, ()) + FRAUD_RING_RULES.get(kind, ())
        for rule in COMMON_RULES + TYPE_RULES.get(kind, ()) + extra:
            rule(obj, report)
    return problems


def validate_objects(objects: Iterable[object], *, offset: int = 0) -> list[ObjectProblem]:
    """Problems of many objects, each tagged with its position (counted from `offset`)."""
    problems: list[ObjectProblem] = []
    for index, obj in enumerate(objects, start=offset):
        problems.extend(validate_object(obj, index))
    return problems


def bundle_envelope_problems(bundle: object) -> list[ObjectProblem]:
    """Problems of a bundle's envelope (type, id, objects list), not of the objects in it."""
    if not isinstance(bundle, dict):
        return [ObjectProblem("", "", "a bundle must be a JSON object")]
    identifier = bundle.get("id")
    bundle_id = identifier if isinstance(identifier, str) else ""
    if bundle.get("type") != "bundle":
        return [ObjectProblem(bundle_id, "type", "must be 'bundle'")]
    id_problem = c.ref("bundle")(identifier)
    if id_problem:
        return [ObjectProblem(bundle_id, "id", id_problem)]
    objects = bundle.get("objects", [])
    if not isinstance(objects, list) or ("objects" in bundle and not objects):
        return [ObjectProblem(bundle_id, "objects", "must be a non-empty list")]
    return []


def validate_bundle(bundle: object) -> list[ObjectProblem]:
    """Problems of a bundle envelope and of every object in it; [] when valid."""
    problems = bundle_envelope_problems(bundle)
    if problems or not isinstance(bundle, dict):
        return problems
    return validate_objects(bundle.get("objects", []))


def require_valid(objects: list[Any]) -> None:
    """Raise InvalidStix naming every problem, if any object is invalid."""
    problems = validate_objects(objects)
    if problems:
        raise InvalidStix(problems)
