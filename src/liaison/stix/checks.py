"""Property checkers for the STIX 2.1 validator.

A checker takes a property value and returns None when it is valid, or one line saying why not.
They are plain closures built once at import of the type table, so validating an object is a
dictionary walk with no per-object allocation beyond the problem list.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Iterable

from liaison.stix.timestamps import timestamp_problem
from liaison.stix.values import language_tag, uri

Checker = Callable[[object], str | None]

UUID_PART = (
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-5][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}"
)
IDENTIFIER_RE = re.compile(r"^([a-z][a-z0-9-]+[a-z0-9])--" + UUID_PART + "$")
TYPE_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*-?$")
PROPERTY_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{2,249}$")
HEX_RE = re.compile(r"^([a-fA-F0-9]{2})+$")
HASH_KEY_RE = re.compile(r"^[a-zA-Z0-9_-]{3,250}$")
PARTY_RE = re.compile(r"[a-z][a-z0-9-]{1,99}")  # a party code (`liaison party add`), fullmatch
HASH_VALUE_RES = {
    "MD5": re.compile(r"^[a-fA-F0-9]{32}$"),
    "SHA-1": re.compile(r"^[a-fA-F0-9]{40}$"),
    "SHA-256": re.compile(r"^[a-fA-F0-9]{64}$"),
    "SHA-512": re.compile(r"^[a-fA-F0-9]{128}$"),
    "SHA3-256": re.compile(r"^[a-fA-F0-9]{64}$"),
    "SHA3-512": re.compile(r"^[a-fA-F0-9]{128}$"),
    "SSDEEP": re.compile(r"^[a-zA-Z0-9/+:.]{1,128}$"),
    "TLSH": re.compile(r"^T?[a-fA-F0-9]{70}$"),
}
REF_KEYWORDS_EXCLUDED_AS_TARGET = frozenset(
    {"relationship", "sighting", "bundle", "marking-definition", "language-content"}
)


def id_type(value: str) -> str:
    """The object type an identifier names (the part before `--`)."""
    return value.split("--", 1)[0]


def identifier_problem(value: object) -> str | None:
    """Why `value` is not a STIX identifier (`type--UUID`), or None."""
    if not isinstance(value, str):
        return "must be an identifier string"
    if IDENTIFIER_RE.match(value) is None:
        return f"'{value}' is not an identifier of the form type--UUID"
    return None


def string() -> Checker:
    """Any JSON string."""
    return lambda v: None if isinstance(v, str) else "must be a string"


def boolean() -> Checker:
    """JSON true or false."""
    return lambda v: None if isinstance(v, bool) else "must be true or false"


def integer(low: int | None = None, high: int | None = None) -> Checker:
    """A JSON integer, optionally within [low, high]."""

    def check(v: object) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int):
            return "must be an integer"
        if (low is not None and v < low) or (high is not None and v > high):
            return f"{v} is outside {low}..{high}"
        return None

    return check


def number(low: float | None = None, high: float | None = None) -> Checker:
    """A JSON number, optionally within [low, high]."""

    def check(v: object) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int | float):
            return "must be a number"
        if (low is not None and v < low) or (high is not None and v > high):
            return f"{v} is outside {low}..{high}"
        return None

    return check


def timestamp(*, millis: bool = False) -> Checker:
    """An RFC 3339 UTC timestamp (at least millisecond precision when `millis`)."""
    return lambda v: timestamp_problem(v, millis=millis)


def enum(*allowed: str) -> Checker:
    """One of a closed set of strings."""
    options = frozenset(allowed)
    listed = ", ".join(sorted(options))

    def check(v: object) -> str | None:
        if v in options:
            return None
        return f"'{v}' is not one of: {listed}"

    return check


def pattern(regex: str, what: str) -> Checker:
    """A string matching `regex`; `what` names the expected form in the message."""
    compiled = re.compile(regex)

    def check(v: object) -> str | None:
        if isinstance(v, str) and compiled.match(v):
            return None
        return f"'{v}' is not {what}"

    return check


def party_code(v: object) -> str | None:
    """A party code as `liaison party add` accepts it (`PARTY_RE`), e.g. `ca` or `ca-rcmp`."""
    if isinstance(v, str) and PARTY_RE.fullmatch(v):
        return None
    return f"'{v}' is not a party code"


def ref(*types: str, exclude: Iterable[str] = ()) -> Checker:
    """An identifier, of one of `types` when given, and never of an excluded type."""
    allowed = frozenset(types)
    excluded = frozenset(exclude)

    def check(v: object) -> str | None:
        problem = identifier_problem(v)
        if problem:
            return problem
        kind = id_type(str(v))
        if allowed and kind not in allowed:
            return f"'{v}' must refer to {' or '.join(sorted(allowed))}"
        if kind in excluded:
            return f"'{v}' may not refer to a {kind}"
        return None

    return check


def list_of(item: Checker) -> Checker:
    """A non-empty JSON array whose every item passes `item` (STIX forbids empty lists)."""

    def check(v: object) -> str | None:
        if not isinstance(v, list):
            return "must be a list"
        if not v:
            return "must not be an empty list"
        for position, element in enumerate(v):
            problem = item(element)
            if problem:
                return f"[{position}] {problem}"
        return None

    return check


def refs(*types: str, exclude: Iterable[str] = ()) -> Checker:
    """A non-empty list of identifiers (of `types` when given)."""
    return list_of(ref(*types, exclude=exclude))


def strings() -> Checker:
    """A non-empty list of strings (also open-vocabulary lists)."""
    return list_of(string())


def dictionary() -> Checker:
    """A non-empty JSON object whose keys are at most 250 characters."""

    def check(v: object) -> str | None:
        if not isinstance(v, dict):
            return "must be an object"
        if not v:
            return "must not be empty"
        for key in v:
            if len(key) > 250:
                return f"key '{key[:40]}…' is longer than 250 characters"
        return None

    return check


def hashes() -> Checker:
    """A hashes dictionary: known algorithms with well-formed digests, custom keys well named."""

    def check(v: object) -> str | None:
        if not isinstance(v, dict) or not v:
            return "must be a non-empty object of algorithm: digest"
        for key, digest in v.items():
            if not isinstance(digest, str):
                return f"'{key}' digest must be a string"
            known = HASH_VALUE_RES.get(key)
            if known is not None and known.match(digest) is None:
                return f"'{digest}' is not a valid {key} digest"
            if known is None and HASH_KEY_RE.match(key) is None:
                return f"'{key}' is not a valid hash algorithm name"
        return None

    return check


def binary(v: object) -> str | None:
    """A base64 string (the `_bin` suffix convention)."""
    if not isinstance(v, str):
        return "must be a base64 string"
    try:
        base64.b64decode(v, validate=True)
    except (binascii.Error, ValueError):
        return "is not valid base64"
    return None


def hex_string(v: object) -> str | None:
    """A hex string of whole bytes (the `_hex` suffix convention)."""
    if isinstance(v, str) and HEX_RE.match(v):
        return None
    return "is not a hex string of whole bytes"


def custom_value(v: object) -> str | None:
    """A custom property value: anything but null and the empty list."""
    if v is None:
        return "must not be null"
    if isinstance(v, list) and not v:
        return "must not be an empty list"
    return None


def kill_chain_phase(v: object) -> str | None:
    """One kill-chain phase: kill_chain_name and phase_name, both strings."""
    if not isinstance(v, dict):
        return "must be an object"
    for key in ("kill_chain_name", "phase_name"):
        if not isinstance(v.get(key), str):
            return f"needs '{key}' as a string"
    return None


CVE_RE = re.compile(r"^CVE-\d{4}-(0\d{3}|[1-9]\d{3,})$")
CAPEC_RE = re.compile(r"^CAPEC-\d+$")
_HASHES = hashes()


def external_reference(v: object) -> str | None:
    """One external reference: a source_name and at least one of description, url, external_id."""
    if not isinstance(v, dict):
        return "must be an object"
    if not isinstance(v.get("source_name"), str):
        return "needs 'source_name' as a string"
    if not any(key in v for key in ("description", "url", "external_id")):
        return "needs at least one of description, url, external_id"
    for key in ("description", "url", "external_id"):
        if key in v and not isinstance(v[key], str):
            return f"'{key}' must be a string"
    if "url" in v:
        problem = uri(v["url"])
        if problem:
            return f"url {problem}"
    source, external_id = v["source_name"], v.get("external_id")
    if source == "cve" and not (isinstance(external_id, str) and CVE_RE.match(external_id)):
        return "a 'cve' reference needs external_id like CVE-2024-0001"
    if source == "capec" and not (isinstance(external_id, str) and CAPEC_RE.match(external_id)):
        return "a 'capec' reference needs external_id like CAPEC-123"
    if "hashes" in v:
        return _HASHES(v["hashes"])
    return None


SELECTOR_RE = re.compile(r"^([a-z0-9_-]{3,249}(\.(\[\d+\]|[a-z0-9_-]{1,250}))*|id)$")
_MARKING_REF = ref("marking-definition")


def granular_marking(v: object) -> str | None:
    """One granular marking: selectors plus exactly one of marking_ref or lang."""
    if not isinstance(v, dict):
        return "must be an object"
    selectors = v.get("selectors")
    if not isinstance(selectors, list) or not selectors:
        return "needs a non-empty 'selectors' list"
    for selector in selectors:
        if not isinstance(selector, str) or SELECTOR_RE.match(selector) is None:
            return f"selector '{selector}' is not a valid selector"
    has_ref, has_lang = "marking_ref" in v, "lang" in v
    if has_ref == has_lang:
        return "needs exactly one of 'marking_ref' or 'lang'"
    if has_ref:
        return _MARKING_REF(v["marking_ref"])
    problem = language_tag(v["lang"])
    return f"lang {problem}" if problem else None
