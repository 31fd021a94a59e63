"""Object-level STIX 2.1 rules that involve more than one property of an object.

Each rule takes the object and a `report(field, message)` callback; it never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import ValidationError

from liaison.stix.checks import TYPE_NAME_RE
from liaison.stix.patterns import PatternSyntaxError, object_types, parse_pattern
from liaison.stix.timestamps import TIMESTAMP_RE, version_key
from liaison.stix.types import COMMON_SCO, SCO_TYPES, TIMESTAMP_ORDER, TYPES

Report = Callable[[str, str], None]
Rule = Callable[[Mapping[str, Any], Report], None]


def report_model_errors(exc: ValidationError, report: Report, field: str, label: str) -> None:
    """Report each problem pydantic found in an extension or nested body, located by its path,
    so a malformed liaison extension names the property that is wrong."""
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        report(field, f"{label}{where}: {error['msg']}")


TLP_V1_LEVELS = frozenset({"white", "green", "amber", "red"})


def _valid_ts(value: object) -> bool:
    return isinstance(value, str) and TIMESTAMP_RE.match(value) is not None


def timestamp_order(obj: Mapping[str, Any], report: Report) -> None:
    """modified ≥ created, and each type's later/earlier pairs (e.g. valid_until > valid_from)."""
    pairs = (("modified", "created", False), *TIMESTAMP_ORDER.get(obj["type"], ()))
    for later, earlier, strict in pairs:
        late, early = obj.get(later), obj.get(earlier)
        if not (_valid_ts(late) and _valid_ts(early)):
            continue
        late_key, early_key = version_key(str(late)), version_key(str(early))
        if late_key < early_key or (strict and late_key == early_key):
            relation = "later than" if strict else "later than or equal to"
            report(later, f"'{late}' must be {relation} {earlier} '{early}'")


def id_matches_type(obj: Mapping[str, Any], report: Report) -> None:
    """The identifier's prefix is the object's own type."""
    identifier = obj.get("id")
    if isinstance(identifier, str) and "--" in identifier:
        prefix = identifier.split("--", 1)[0]
        if prefix != obj["type"]:
            report("id", f"'{identifier}' does not start with the object's type '{obj['type']}--'")


_INDEX_STEP_RE = re.compile(r"\[([0-9]+)\]")


def _selector_problem(obj: Mapping[str, Any], selector: str) -> str | None:
    node: object = obj
    for step in selector.split("."):
        index = _INDEX_STEP_RE.fullmatch(step)
        if index is not None:
            position = int(index[1])
            if not isinstance(node, list) or position >= len(node):
                return f"selector '{selector}': {step} is not an index of a list in this object"
            node = node[position]
        elif isinstance(node, dict) and step in node:
            node = node[step]
        else:
            return f"selector '{selector}': '{step}' is not a property of this object"
    return None


def granular_selectors(obj: Mapping[str, Any], report: Report) -> None:
    """Each granular-marking selector names a property or list item present in the object."""
    for marking in obj.get("granular_markings", ()):
        for selector in marking["selectors"]:
            problem = _selector_problem(obj, selector)
            if problem:
                report("granular_markings", problem)


_SCO_TYPE_SET = frozenset(SCO_TYPES)


def indicator_pattern(obj: Mapping[str, Any], report: Report) -> None:
    """A `stix` pattern parses under the STIX 2.1 grammar and names only SCO-like object types."""
    text = obj.get("pattern")
    if obj.get("pattern_type") != "stix" or not isinstance(text, str):
        return
    try:
        pattern = parse_pattern(text)
    except PatternSyntaxError as exc:
        report("pattern", f"invalid STIX pattern {exc}")
        return
    for kind in sorted(object_types(pattern) - _SCO_TYPE_SET):
        if not 3 <= len(kind) <= 250 or TYPE_NAME_RE.match(kind) is None:
            report("pattern", f"'{kind}' is neither an SCO type nor a valid custom type name")


def location_fields(obj: Mapping[str, Any], report: Report) -> None:
    """A location names a region, a country, or both latitude and longitude."""
    has_lat, has_long = "latitude" in obj, "longitude" in obj
    if has_lat != has_long:
        report("latitude" if has_long else "longitude", "latitude and longitude go together")
    if not ("region" in obj or "country" in obj or (has_lat and has_long)):
        report("region", "a location needs region, country, or latitude and longitude")
    if "precision" in obj and not (has_lat and has_long):
        report("precision", "precision needs latitude and longitude")


def malware_name(obj: Mapping[str, Any], report: Report) -> None:
    """A malware family must be named."""
    if obj.get("is_family") is True and "name" not in obj:
        report("name", "is required when is_family is true")


def malware_analysis_result(obj: Mapping[str, Any], report: Report) -> None:
    """A malware analysis gives its result, its analysis_sco_refs, or both."""
    if "result" not in obj and "analysis_sco_refs" not in obj:
        report("result", "is required when analysis_sco_refs is absent (give one or both)")


def observed_data_content(obj: Mapping[str, Any], report: Report) -> None:
    """Observed data carries exactly one of object_refs or (deprecated) objects."""
    if ("objects" in obj) == ("object_refs" in obj):
        report("object_refs", "exactly one of object_refs or objects is required")


def marking_definition(obj: Mapping[str, Any], report: Report) -> None:
    """A marking is a legacy definition_type/definition pair or an extension-based marking."""
    kind, definition = obj.get("definition_type"), obj.get("definition")
    if kind is None and definition is None:
        if "extensions" not in obj:
            report("definition_type", "needs definition_type and definition, or extensions")
        return
    if kind is None or definition is None:
        report("definition" if kind else "definition_type", "definition_type needs definition")
        return
    if not isinstance(definition, dict):
        return
    if kind == "tlp" and definition.get("tlp") not in TLP_V1_LEVELS:
        report("definition", "a tlp definition needs tlp: white, green, amber or red")
    if kind == "statement" and not isinstance(definition.get("statement"), str):
        report("definition", "a statement definition needs statement as a string")


def marking_not_self_marked(obj: Mapping[str, Any], report: Report) -> None:
    """A marking definition never marks itself (no circular references)."""
    own = obj["id"]
    if own in obj.get("object_marking_refs", ()):
        report("object_marking_refs", f"must not contain the marking's own id '{own}'")
    if any(m.get("marking_ref") == own for m in obj.get("granular_markings", ())):
        report("granular_markings", f"must not refer to the marking's own id '{own}'")


def extension_definition(obj: Mapping[str, Any], report: Report) -> None:
    """extension_properties is only for toplevel-property-extension definitions."""
    kinds = obj.get("extension_types")
    if "extension_properties" in obj and not (
        isinstance(kinds, list) and "toplevel-property-extension" in kinds
    ):
        report("extension_properties", "only allowed with toplevel-property-extension")


def file_identity(obj: Mapping[str, Any], report: Report) -> None:
    """A file is identified by at least its hashes or its name."""
    if "hashes" not in obj and "name" not in obj:
        report("hashes", "a file needs hashes or name")


def artifact_content(obj: Mapping[str, Any], report: Report) -> None:
    """An artifact has its payload inline or by URL (with hashes), not both."""
    if "payload_bin" in obj and "url" in obj:
        report("url", "payload_bin and url are mutually exclusive")
    if "url" in obj and "hashes" not in obj:
        report("hashes", "is required when url is present")
    if "payload_bin" not in obj and "url" not in obj:
        report("payload_bin", "an artifact needs payload_bin or url")
    if "decryption_key" in obj and "encryption_algorithm" not in obj:
        report("decryption_key", "must not be present without encryption_algorithm")


def _some_own_property(kind: str, example: str, *, extensions: bool) -> Rule:
    own = frozenset(TYPES[kind].properties) - frozenset(COMMON_SCO)
    if extensions:
        own |= {"extensions"}

    def rule(obj: Mapping[str, Any], report: Report) -> None:
        if own.isdisjoint(obj):
            report(example, f"{kind} needs a property besides type and id, such as {example}")

    rule.__doc__ = f"A {kind} has at least one property of its own (not just type and id)."
    return rule


# Contributing properties of the SCOs whose every ID contributing property is optional.
ID_CONTRIBUTING_PROPERTIES: dict[str, tuple[str, ...]] = {
    "artifact": ("hashes", "payload_bin"),
    "email-message": ("from_ref", "subject", "body"),
    "process": (),
    "user-account": ("account_type", "user_id", "account_login"),
    "windows-registry-key": ("key", "values"),
    "x509-certificate": ("hashes", "serial_number"),
}


def sco_uuid_version(obj: Mapping[str, Any], report: Report) -> None:
    """An SCO with none of its ID contributing properties has a UUIDv4 id (section 2.9)."""
    contributing = ID_CONTRIBUTING_PROPERTIES[obj["type"]]
    if any(name in obj for name in contributing):
        return
    identifier = obj["id"]
    if identifier[identifier.index("--") + 16] != "4":
        listed = ", ".join(contributing)
        reason = f"none of {listed} is present" if listed else "a process has none"
        report("id", f"'{identifier}' must be a UUIDv4: {reason} to derive a UUIDv5 from")


def network_traffic_ends(obj: Mapping[str, Any], report: Report) -> None:
    """Network traffic names at least one end."""
    if "src_ref" not in obj and "dst_ref" not in obj:
        report("src_ref", "network-traffic needs src_ref or dst_ref")
    if obj.get("is_active") is True and "end" in obj:
        report("is_active", "must not be true when end is present (the traffic has ended)")


def email_body(obj: Mapping[str, Any], report: Report) -> None:
    """A multipart message has body_multipart and no body; a plain one has no body_multipart."""
    multipart = obj.get("is_multipart")
    if multipart is True and "body" in obj:
        report("body", "must not be present when is_multipart is true")
    if multipart is False and "body_multipart" in obj:
        report("body_multipart", "must not be present when is_multipart is false")


COMMON_RULES: tuple[Rule, ...] = (
    id_matches_type, timestamp_order, granular_selectors,
)  # fmt: skip
TYPE_RULES: dict[str, tuple[Rule, ...]] = {
    "indicator": (indicator_pattern,),
    "location": (location_fields,),
    "malware": (malware_name,),
    "malware-analysis": (malware_analysis_result,),
    "observed-data": (observed_data_content,),
    "marking-definition": (marking_definition, marking_not_self_marked),
    "extension-definition": (extension_definition,),
    "file": (file_identity,),
    "artifact": (artifact_content, sco_uuid_version),
    "network-traffic": (network_traffic_ends,),
    "email-message": (email_body, sco_uuid_version),
    "process": (_some_own_property("process", "pid", extensions=True), sco_uuid_version),
    "user-account": (sco_uuid_version,),
    "windows-registry-key": (sco_uuid_version,),
    "x509-certificate": (
        _some_own_property("x509-certificate", "serial_number", extensions=False),
        sco_uuid_version,
    ),
}
