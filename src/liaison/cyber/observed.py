"""A log event's cyber-observables as top-level STIX 2.1 SCOs with their deterministic ids.

STIX 2.1 gives an SCO an id derived from what it is (section 2.9): a UUIDv5, in the SCO
namespace, of the RFC 8785 JSON of its ID-contributing properties (one hash of `hashes`, chosen
MD5, SHA-1, SHA-256, SHA-512 in that order; references as the ids they name). So the same address
seen in two events is one object, and another tool names it the same. An SCO with none of those
properties gets a random UUIDv4, as the specification says.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from liaison.stix.canonical import canonical_json

SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
ID_CONTRIBUTING = {
    "artifact": ("hashes", "payload_bin"),
    "autonomous-system": ("number",),
    "directory": ("path",),
    "domain-name": ("value",),
    "email-addr": ("value",),
    "email-message": ("from_ref", "subject", "body"),
    "file": ("hashes", "name", "parent_directory_ref", "extensions"),
    "ipv4-addr": ("value",),
    "ipv6-addr": ("value",),
    "mac-addr": ("value",),
    "mutex": ("name",),
    "network-traffic": (
        "start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions",
    ),
    "software": ("name", "cpe", "swid", "vendor", "version"),
    "url": ("value",),
    "user-account": ("account_type", "user_id", "account_login"),
    "windows-registry-key": ("key", "values"),
    "x509-certificate": ("hashes", "serial_number"),
}  # fmt: skip
_HASH_PREFERENCE = ("MD5", "SHA-1", "SHA-256", "SHA-512")


def _one_hash(hashes: Mapping[str, Any]) -> dict[str, Any]:
    for algorithm in _HASH_PREFERENCE:
        if algorithm in hashes:
            return {algorithm: hashes[algorithm]}
    first = next(iter(hashes))
    return {first: hashes[first]}


def sco_id(obj: Mapping[str, Any]) -> str:
    """The STIX 2.1 id of an SCO whose references already name ids."""
    kind = obj["type"]
    contributing = {
        name: _one_hash(obj[name]) if name == "hashes" else obj[name]
        for name in ID_CONTRIBUTING.get(kind, ())
        if name in obj and obj[name] not in (None, {}, [])
    }
    if not contributing:
        return f"{kind}--{uuid.uuid4()}"
    return f"{kind}--{uuid.uuid5(SCO_NAMESPACE, canonical_json(contributing).decode())}"


def _is_ref(name: str) -> bool:
    return name.endswith(("_ref", "_refs"))


def _renamed(value: Any, ids: Mapping[str, str], name: str) -> Any:
    """References of an observed-data's `objects` (keys) rewritten as the ids they name."""
    if _is_ref(name):
        if isinstance(value, list):
            return [ids[key] for key in value if key in ids]
        return ids.get(value)
    if isinstance(value, Mapping):
        return {key: _renamed(inner, ids, key) for key, inner in value.items()}
    return value


def _refs_of(value: Any, name: str = "") -> set[str]:
    """Every key a property (and what it holds) references."""
    if _is_ref(name):
        return set(value) if isinstance(value, list) else {value}
    if isinstance(value, Mapping):
        return set().union(*(_refs_of(inner, key) for key, inner in value.items()))
    return set()


def top_level_scos(objects: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The objects of an event as SCOs with ids, referenced objects first; a reference to a key
    that is missing (or part of a reference cycle) is dropped."""
    ids: dict[str, str] = {}
    pending = dict(objects)
    scos: list[dict[str, Any]] = []
    while pending:
        ready = [
            key for key, obj in pending.items() if not (_refs_of(obj) - {key}) & pending.keys()
        ]
        if not ready:
            ready = [next(iter(pending))]  # a reference cycle: cut it here
        for key in ready:
            body = {name: _renamed(value, ids, name) for name, value in pending.pop(key).items()}
            body = {name: value for name, value in body.items() if value not in (None, [])}
            body["spec_version"] = "2.1"
            body["id"] = ids[key] = sco_id(body)
            scos.append(body)
    return scos
