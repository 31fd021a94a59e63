"""Object-level STIX 2.1 rules that involve more than one property of an object.

Each rule takes the object and a `report(field, message)` callback; it never raises.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from liaison.stix.patterns import PatternSyntaxError, parse_pattern
from liaison.stix.timestamps import TIMESTAMP_RE, version_key
from liaison.stix.types import TIMESTAMP_ORDER

Report = Callable[[str, str], None]
Rule = Callable[[Mapping[str, Any], Report], None]
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


def indicator_pattern(obj: Mapping[str, Any], report: Report) -> None:
    """A `stix` pattern must parse under the STIX 2.1 patterning grammar."""
    text = obj.get("pattern")
    if obj.get("pattern_type") != "stix" or not isinstance(text, str):
        return
    try:
        parse_pattern(text)
    except PatternSyntaxError as exc:
        report("pattern", f"invalid STIX pattern {exc}")


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


def network_traffic_ends(obj: Mapping[str, Any], report: Report) -> None:
    """Network traffic names at least one end."""
    if "src_ref" not in obj and "dst_ref" not in obj:
        report("src_ref", "network-traffic needs src_ref or dst_ref")


def email_body(obj: Mapping[str, Any], report: Report) -> None:
    """A multipart message has body_multipart and no body; a plain one has no body_multipart."""
    multipart = obj.get("is_multipart")
    if multipart is True and "body" in obj:
        report("body", "must not be present when is_multipart is true")
    if multipart is False and "body_multipart" in obj:
        report("body_multipart", "must not be present when is_multipart is false")


COMMON_RULES: tuple[Rule, ...] = (id_matches_type, timestamp_order)
TYPE_RULES: dict[str, tuple[Rule, ...]] = {
    "indicator": (indicator_pattern,),
    "location": (location_fields,),
    "malware": (malware_name,),
    "observed-data": (observed_data_content,),
    "marking-definition": (marking_definition,),
    "extension-definition": (extension_definition,),
    "file": (file_identity,),
    "artifact": (artifact_content,),
    "network-traffic": (network_traffic_ends,),
    "email-message": (email_body,),
}
