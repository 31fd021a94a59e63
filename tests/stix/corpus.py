"""Shared STIX 2.1 test corpus for validator agreement tests.

This module holds fixed, fully synthetic collections of STIX 2.1 objects:

``VALID_OBJECTS``
    At least one valid object of every STIX 2.1 type (all SDOs, both SROs, all
    SCOs, ``marking-definition``, ``language-content`` and
    ``extension-definition``), plus objects that exercise optional features:
    custom properties, property / top-level-property extensions, a ``new-sdo``
    extension object, granular markings, external references, kill chain
    phases and hashes.

``BROKEN_OBJECTS``
    ``(case_name, field, object)`` tuples.  Every object is a copy of a valid
    base object with exactly one deliberate defect, located in the top-level
    property named by ``field`` (for a missing required property ``field`` is
    the name of the property that was removed).

``BROKEN_BASES`` maps every ``case_name`` to the valid object the broken one
was derived from, so a test can check that removing the defect yields a valid
object again and that the two differ only in ``field``.

Two further lists use the same ``(case_name, field, object)`` shape for invalid
objects on which ``stix2-validator`` 3.3.x cannot serve as an oracle:
``BROKEN_OBJECTS_VALIDATOR_RAISES`` (``validate_instance`` raises instead of
returning a result) and ``BROKEN_OBJECTS_VALIDATOR_ACCEPTS`` (a STIX 2.1 MUST
that the validator does not check).  Every entry of ``BROKEN_OBJECTS`` is
rejected by ``validate_instance(obj, ValidationOptions(version="2.1"))``.

The corpus is meant to be fed to several validators (for example
``stix2-validator`` and ``liaison``'s own checks) so that their verdicts can be
compared: everything in ``VALID_OBJECTS`` must be accepted and everything in
``BROKEN_OBJECTS`` must be rejected.

All identifiers are deterministic: SDO, SRO and meta object ids are
UUIDv4-shaped values derived from a fixed namespace, SCO ids are UUIDv5 values
computed from their ID Contributing Properties (STIX 2.1 section 2.9), and all
timestamps are fixed.  All values are synthetic (``example.com``,
``198.51.100.0/24``, ``203.0.113.0/24``, ``2001:db8::/32``, private AS numbers).

Only the standard library is imported.  The lists are built once at import
time and shared, so callers must copy an object before mutating it.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

StixObject = dict[str, Any]

# --------------------------------------------------------------------------
# Deterministic identifiers and timestamps
# --------------------------------------------------------------------------

#: Fixed namespace for the corpus' own (non-SCO) identifiers.
_CORPUS_NAMESPACE = uuid.UUID("6f1c5e0e-3b7a-4c1e-9d2a-2f5b8e4c7a10")
#: STIX 2.1 namespace for deterministic SCO identifiers (section 2.9).
_SCO_NAMESPACE = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")

CREATED = "2024-01-15T10:00:00.000Z"
MODIFIED = "2024-02-01T12:30:00.000Z"
FIRST_SEEN = "2023-11-01T00:00:00.000Z"
LAST_SEEN = "2024-01-10T18:45:00.000Z"

_SCO_CONTRIBUTING: dict[str, tuple[str, ...]] = {
    "artifact": ("hashes", "payload_bin"),
    "autonomous-system": ("number",),
    "directory": ("path",),
    "domain-name": ("value",),
    "email-addr": ("value",),
    "email-message": ("from_ref", "subject", "body"),
    "file": ("hashes", "name", "extensions", "parent_directory_ref"),
    "ipv4-addr": ("value",),
    "ipv6-addr": ("value",),
    "mac-addr": ("value",),
    "mutex": ("name",),
    "network-traffic": (
        "start",
        "end",
        "src_ref",
        "dst_ref",
        "src_port",
        "dst_port",
        "protocols",
        "extensions",
    ),
    "software": ("name", "cpe", "swid", "vendor", "version"),
    "url": ("value",),
    "user-account": ("account_type", "user_id", "account_login"),
    "windows-registry-key": ("key", "values"),
    "x509-certificate": ("hashes", "serial_number"),
}
_HASH_PREFERENCE = ("MD5", "SHA-1", "SHA-256", "SHA-512")


def _uuid4_like(name: str) -> uuid.UUID:
    """Return a deterministic UUID carrying the version-4 and RFC 4122 bits."""
    return uuid.UUID(bytes=uuid.uuid5(_CORPUS_NAMESPACE, name).bytes, version=4)


def _sdo_id(stix_type: str, name: str) -> str:
    """Deterministic identifier for SDOs, SROs and meta objects."""
    return f"{stix_type}--{_uuid4_like(f'{stix_type}/{name}')}"


def _canonical(value: Mapping[str, Any]) -> str:
    """JSON canonicalisation (RFC 8785) for the ASCII-only values used here."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _sco_id(stix_type: str, props: Mapping[str, Any]) -> str:
    """Deterministic SCO identifier computed from ID Contributing Properties.

    Objects with none of their type's contributing properties present (and
    ``process``, which has none) get a UUIDv4-shaped identifier instead;
    stix2-validator treats that as a MUST.
    """
    contributing: dict[str, Any] = {}
    for key in _SCO_CONTRIBUTING.get(stix_type, ()):
        if key not in props:
            continue
        value = props[key]
        if key == "hashes":
            chosen = next((h for h in _HASH_PREFERENCE if h in value), None)
            value = {chosen: value[chosen]} if chosen else dict(value)
        contributing[key] = value
    if not contributing:
        return f"{stix_type}--{_uuid4_like(f'{stix_type}/{_canonical(dict(props))}')}"
    return f"{stix_type}--{uuid.uuid5(_SCO_NAMESPACE, _canonical(contributing))}"


# --------------------------------------------------------------------------
# Mutation helpers
# --------------------------------------------------------------------------


def _without(obj: StixObject, key: str) -> StixObject:
    """Deep copy of ``obj`` with ``key`` removed."""
    result = copy.deepcopy(obj)
    del result[key]
    return result


def _with(obj: StixObject, key: str, value: Any) -> StixObject:
    """Deep copy of ``obj`` with ``key`` set to (a copy of) ``value``."""
    result = copy.deepcopy(obj)
    result[key] = copy.deepcopy(value)
    return result


def _merged(obj: StixObject, **changes: Any) -> StixObject:
    """Deep copy of ``obj`` updated with ``changes`` (used to build bases)."""
    result = copy.deepcopy(obj)
    result.update(copy.deepcopy(changes))
    return result


# --------------------------------------------------------------------------
# Well-known identifiers used for references
# --------------------------------------------------------------------------

TLP_GREEN_2_ID = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
TLP_2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

IDENTITY_ID = _sdo_id("identity", "acme-cti")
STATEMENT_MARKING_ID = _sdo_id("marking-definition", "acme-copyright")
EXT_PROPERTY_ID = _sdo_id("extension-definition", "acme-rating")
EXT_TOPLEVEL_ID = _sdo_id("extension-definition", "acme-priority")
EXT_NEW_SDO_ID = _sdo_id("extension-definition", "acme-widget")

_COMMON_SDO_TYPES = (
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
    "relationship",
    "sighting",
    "language-content",
    "extension-definition",
)
_IDS: dict[str, str] = {t: _sdo_id(t, "base") for t in _COMMON_SDO_TYPES}
_IDS["identity"] = IDENTITY_ID


def _common(stix_type: str) -> StixObject:
    """Common properties of an SDO/SRO/meta object of ``stix_type``."""
    return {
        "type": stix_type,
        "spec_version": "2.1",
        "id": _IDS[stix_type],
        "created": CREATED,
        "modified": MODIFIED,
    }


def _kill_chain() -> list[dict[str, str]]:
    return [{"kill_chain_name": "lockheed-martin-cyber-kill-chain", "phase_name": "delivery"}]


def _ext_ref() -> list[dict[str, Any]]:
    return [
        {
            "source_name": "acme-kb",
            "external_id": "ACME-0042",
            "url": "https://kb.example.com/entries/ACME-0042",
            "description": "Synthetic knowledge base entry",
            "hashes": {"SHA-256": hashlib.sha256(b"ACME-0042").hexdigest()},
        }
    ]


# --------------------------------------------------------------------------
# SCO factories
# --------------------------------------------------------------------------

_PAYLOAD = b"liaison synthetic artifact payload"
_PAYLOAD_B64 = base64.b64encode(_PAYLOAD).decode("ascii")
_SHA256_PAYLOAD = hashlib.sha256(_PAYLOAD).hexdigest()
_FILE_BYTES = b"liaison synthetic sample file"
_MD5_FILE = hashlib.md5(_FILE_BYTES).hexdigest()
_SHA256_FILE = hashlib.sha256(_FILE_BYTES).hexdigest()
_CERT_BYTES = b"liaison synthetic certificate"
_SHA256_CERT = hashlib.sha256(_CERT_BYTES).hexdigest()


def _sco(stix_type: str, **props: Any) -> StixObject:
    """Build an SCO of ``stix_type`` with a deterministic id."""
    obj: StixObject = {"type": stix_type, "spec_version": "2.1"}
    obj["id"] = _sco_id(stix_type, props)
    obj.update(props)
    return obj


def _ipv4_addr() -> StixObject:
    return _sco("ipv4-addr", value="198.51.100.7")


def _ipv4_addr_dst() -> StixObject:
    return _sco("ipv4-addr", value="203.0.113.5")


def _ipv6_addr() -> StixObject:
    return _sco("ipv6-addr", value="2001:db8::7")


def _mac_addr() -> StixObject:
    return _sco("mac-addr", value="00:00:5e:00:53:01")


def _domain_name() -> StixObject:
    return _sco("domain-name", value="c2.example.com", resolves_to_refs=[_ipv4_addr()["id"]])


def _url() -> StixObject:
    return _sco("url", value="https://c2.example.com/gate.php")


def _email_addr() -> StixObject:
    return _sco("email-addr", value="sender@example.com", display_name="Example Sender")


def _email_addr_rcpt() -> StixObject:
    return _sco("email-addr", value="recipient@example.org")


def _email_message() -> StixObject:
    return _sco(
        "email-message",
        is_multipart=False,
        date="2024-01-12T08:15:00Z",
        from_ref=_email_addr()["id"],
        to_refs=[_email_addr_rcpt()["id"]],
        subject="Quarterly report (synthetic)",
        body="This is a synthetic message body.",
    )


def _email_message_no_contributing() -> StixObject:
    return _sco("email-message", is_multipart=False, date="2024-01-12T08:15:00Z")


def _autonomous_system() -> StixObject:
    return _sco("autonomous-system", number=64500, name="Example Documentation AS", rir="ARIN")


def _directory() -> StixObject:
    return _sco("directory", path="/tmp/acme-stage", mtime="2024-01-11T09:00:00Z")


def _mutex() -> StixObject:
    return _sco("mutex", name="Global\\AcmeWidgetMutex")


def _software() -> StixObject:
    return _sco(
        "software",
        name="AcmeBrowser",
        cpe="cpe:2.3:a:acme:acmebrowser:1.0:*:*:*:*:*:*:*",
        languages=["en"],
        vendor="Acme",
        version="1.0",
    )


def _file() -> StixObject:
    return _sco(
        "file",
        hashes={"MD5": _MD5_FILE, "SHA-256": _SHA256_FILE},
        size=len(_FILE_BYTES),
        name="invoice.pdf.exe",
        mime_type="application/octet-stream",
        ctime="2024-01-11T09:01:00Z",
    )


def _artifact() -> StixObject:
    return _sco(
        "artifact",
        mime_type="application/octet-stream",
        payload_bin=_PAYLOAD_B64,
        hashes={"SHA-256": _SHA256_PAYLOAD},
    )


def _artifact_by_url() -> StixObject:
    return _sco(
        "artifact",
        mime_type="application/zip",
        url="https://files.example.com/samples/sample.zip",
        hashes={"SHA-256": _SHA256_PAYLOAD},
    )


def _network_traffic() -> StixObject:
    return _sco(
        "network-traffic",
        start="2024-01-12T08:00:00Z",
        end="2024-01-12T08:05:00Z",
        is_active=False,
        src_ref=_ipv4_addr()["id"],
        dst_ref=_ipv4_addr_dst()["id"],
        src_port=49152,
        dst_port=443,
        protocols=["ipv4", "tcp", "tls"],
    )


def _process() -> StixObject:
    return _sco(
        "process",
        pid=4242,
        created_time="2024-01-12T08:00:01Z",
        command_line="acme-updater.exe --silent",
    )


def _user_account() -> StixObject:
    return _sco(
        "user-account",
        user_id="1001",
        account_login="analyst01",
        account_type="unix",
        display_name="Example Analyst",
        is_privileged=False,
        account_created="2023-06-01T00:00:00Z",
    )


def _user_account_no_contributing() -> StixObject:
    return _sco("user-account", display_name="Example Service Account")


def _windows_registry_key() -> StixObject:
    return _sco(
        "windows-registry-key",
        key="HKEY_LOCAL_MACHINE\\Software\\Acme\\Run",
        values=[{"name": "Updater", "data": "C:\\acme\\updater.exe", "data_type": "REG_SZ"}],
        modified_time="2024-01-12T08:00:02Z",
    )


def _x509_certificate() -> StixObject:
    return _sco(
        "x509-certificate",
        is_self_signed=False,
        hashes={"SHA-256": _SHA256_CERT},
        version="3",
        serial_number="36:f7:d4:32:f4:ab:70:ea:d3:ce:98:6e:ea:99:93:49:32:0a:b7:06",
        signature_algorithm="sha256WithRSAEncryption",
        issuer="C=US, O=Example Trust Services, CN=Example Issuing CA",
        validity_not_before="2024-01-01T00:00:00Z",
        validity_not_after="2025-01-01T00:00:00Z",
        subject="C=US, O=Example Org, CN=www.example.com",
        subject_public_key_algorithm="rsaEncryption",
        subject_public_key_exponent=65537,
    )


# --------------------------------------------------------------------------
# SDO / SRO / meta object factories
# --------------------------------------------------------------------------


def _attack_pattern() -> StixObject:
    return _common("attack-pattern") | {
        "name": "Synthetic Spearphishing Attachment",
        "description": "Delivers a malicious attachment by e-mail.",
        "aliases": ["Example Phish"],
        "kill_chain_phases": _kill_chain(),
        "external_references": _ext_ref(),
    }


def _campaign() -> StixObject:
    return _common("campaign") | {
        "created_by_ref": IDENTITY_ID,
        "name": "Operation Example Harbor",
        "description": "Synthetic campaign used for testing.",
        "aliases": ["Example Harbor"],
        "first_seen": FIRST_SEEN,
        "last_seen": LAST_SEEN,
        "objective": "Steal synthetic invoices.",
    }


def _course_of_action() -> StixObject:
    return _common("course-of-action") | {
        "name": "Block c2.example.com",
        "description": "Add the domain to the DNS sinkhole.",
    }


def _grouping() -> StixObject:
    return _common("grouping") | {
        "created_by_ref": IDENTITY_ID,
        "name": "Suspicious mail wave",
        "context": "suspicious-activity",
        "object_refs": [_IDS["indicator"], _IDS["malware"]],
    }


def _identity() -> StixObject:
    return _common("identity") | {
        "name": "ACME Threat Intel (synthetic)",
        "description": "Fictional CTI team used as object creator in tests.",
        "roles": ["analyst"],
        "identity_class": "organization",
        "sectors": ["technology"],
        "contact_information": "cti@example.com",
    }


def _incident() -> StixObject:
    return _common("incident") | {
        "created_by_ref": IDENTITY_ID,
        "name": "Synthetic incident 2024-001",
        "description": "Phishing mail opened on a test workstation.",
    }


def _indicator() -> StixObject:
    return _common("indicator") | {
        "created_by_ref": IDENTITY_ID,
        "name": "C2 address 198.51.100.7",
        "description": "Connections to this address indicate the synthetic backdoor.",
        "indicator_types": ["malicious-activity"],
        "pattern": "[ipv4-addr:value = '198.51.100.7']",
        "pattern_type": "stix",
        "pattern_version": "2.1",
        "valid_from": CREATED,
        "object_marking_refs": [TLP_GREEN_2_ID],
    }


def _infrastructure() -> StixObject:
    return _common("infrastructure") | {
        "name": "Example C2 server",
        "description": "Synthetic command and control host.",
        "infrastructure_types": ["command-and-control"],
        "first_seen": FIRST_SEEN,
        "last_seen": LAST_SEEN,
    }


def _intrusion_set() -> StixObject:
    return _common("intrusion-set") | {
        "name": "Example Intrusion Set",
        "description": "Synthetic intrusion set.",
        "aliases": ["EXAMPLE-1"],
        "first_seen": FIRST_SEEN,
        "last_seen": LAST_SEEN,
        "goals": ["collect synthetic data"],
        "resource_level": "organization",
        "primary_motivation": "organizational-gain",
    }


def _location() -> StixObject:
    return _common("location") | {
        "name": "Example HQ",
        "region": "western-europe",
        "country": "NL",
        "city": "Example City",
    }


def _location_latlong() -> StixObject:
    return _common("location") | {
        "id": _sdo_id("location", "lat-long"),
        "name": "Example data centre",
        "latitude": 52.37,
        "longitude": 4.89,
        "precision": 1000.0,
    }


def _location_country_only() -> StixObject:
    return _common("location") | {"name": "Example country", "country": "NL"}


def _malware() -> StixObject:
    return _common("malware") | {
        "created_by_ref": IDENTITY_ID,
        "name": "ExampleBackdoor",
        "description": "Synthetic backdoor family.",
        "malware_types": ["backdoor", "remote-access-trojan"],
        "is_family": True,
        "first_seen": FIRST_SEEN,
        "last_seen": LAST_SEEN,
        "kill_chain_phases": _kill_chain(),
        "operating_system_refs": [_software()["id"]],
    }


def _malware_analysis() -> StixObject:
    return _common("malware-analysis") | {
        "product": "example-sandbox",
        "version": "1.2",
        "host_vm_ref": _software()["id"],
        "analysis_started": "2024-01-12T09:00:00.000Z",
        "analysis_ended": "2024-01-12T09:10:00.000Z",
        "result": "malicious",
        "sample_ref": _file()["id"],
    }


def _note() -> StixObject:
    return _common("note") | {
        "abstract": "Triage note",
        "content": "The sample beacons every 60 seconds (synthetic).",
        "authors": ["Example Analyst"],
        "object_refs": [_IDS["indicator"]],
    }


def _observed_data() -> StixObject:
    return _common("observed-data") | {
        "first_observed": "2024-01-12T08:00:00Z",
        "last_observed": "2024-01-12T08:05:00Z",
        "number_observed": 3,
        "object_refs": [_ipv4_addr()["id"], _domain_name()["id"], _network_traffic()["id"]],
    }


def _observed_data_embedded() -> StixObject:
    return _common("observed-data") | {
        "first_observed": "2024-01-12T08:00:00Z",
        "last_observed": "2024-01-12T08:05:00Z",
        "id": _sdo_id("observed-data", "embedded"),
        "number_observed": 1,
        "objects": {
            "0": _without(_ipv4_addr(), "spec_version"),
            "1": _without(_mac_addr(), "spec_version"),
        },
    }


def _opinion() -> StixObject:
    return _common("opinion") | {
        "explanation": "Matches our own synthetic telemetry.",
        "authors": ["Example Analyst"],
        "opinion": "agree",
        "object_refs": [_IDS["report"]],
    }


def _report() -> StixObject:
    return _common("report") | {
        "created_by_ref": IDENTITY_ID,
        "name": "Example Harbor activity report",
        "description": "Synthetic report bundling the corpus objects.",
        "report_types": ["campaign"],
        "published": "2024-02-01T13:00:00.000Z",
        "object_refs": [_IDS["campaign"], _IDS["indicator"], _IDS["malware"]],
    }


def _threat_actor() -> StixObject:
    return _common("threat-actor") | {
        "name": "Example Threat Actor",
        "description": "Synthetic criminal group.",
        "threat_actor_types": ["crime-syndicate"],
        "aliases": ["EXAMPLE-TA"],
        "roles": ["agent"],
        "first_seen": FIRST_SEEN,
        "last_seen": LAST_SEEN,
        "sophistication": "advanced",
        "resource_level": "organization",
        "primary_motivation": "organizational-gain",
    }


def _tool() -> StixObject:
    return _common("tool") | {
        "name": "ExampleRemoteAdmin",
        "description": "Synthetic remote administration tool.",
        "tool_types": ["remote-access"],
        "tool_version": "2.0",
        "kill_chain_phases": _kill_chain(),
    }


def _vulnerability() -> StixObject:
    return _common("vulnerability") | {
        "name": "Example parser overflow",
        "description": "Synthetic vulnerability in a fictional product.",
        "external_references": _ext_ref(),
    }


def _vulnerability_cve() -> StixObject:
    return _merged(
        _vulnerability(),
        id=_sdo_id("vulnerability", "cve"),
        external_references=[{"source_name": "cve", "external_id": "CVE-2099-0001"}],
    )


def _attack_pattern_capec() -> StixObject:
    return _merged(
        _attack_pattern(),
        id=_sdo_id("attack-pattern", "capec"),
        external_references=[{"source_name": "capec", "external_id": "CAPEC-9999"}],
    )


def _relationship() -> StixObject:
    return _common("relationship") | {
        "relationship_type": "indicates",
        "description": "The indicator detects the backdoor.",
        "source_ref": _IDS["indicator"],
        "target_ref": _IDS["malware"],
        "start_time": FIRST_SEEN,
        "stop_time": LAST_SEEN,
    }


def _sighting() -> StixObject:
    return _common("sighting") | {
        "created_by_ref": IDENTITY_ID,
        "first_seen": FIRST_SEEN,
        "last_seen": LAST_SEEN,
        "count": 2,
        "sighting_of_ref": _IDS["indicator"],
        "observed_data_refs": [_IDS["observed-data"]],
        "where_sighted_refs": [IDENTITY_ID],
        "summary": False,
    }


def _language_content() -> StixObject:
    return _common("language-content") | {
        "object_ref": _IDS["campaign"],
        "object_modified": MODIFIED,
        "contents": {
            "de": {"name": "Operation Beispielhafen", "description": "Synthetische Kampagne."},
            "fr": {"name": "Operation Port Exemple", "description": "Campagne synthetique."},
        },
    }


def _extension_definition(ext_id: str, name: str, types: list[str]) -> StixObject:
    slug = name.lower().replace(" ", "-")
    return {
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": ext_id,
        "created_by_ref": IDENTITY_ID,
        "created": CREATED,
        "modified": MODIFIED,
        "name": name,
        "description": f"Synthetic {name} extension used in tests.",
        "schema": f"https://schemas.example.com/{slug}.json",
        "version": "1.0.0",
        "extension_types": types,
    }


def _ext_def_property() -> StixObject:
    return _extension_definition(EXT_PROPERTY_ID, "Acme rating", ["property-extension"])


def _ext_def_toplevel() -> StixObject:
    return _extension_definition(
        EXT_TOPLEVEL_ID, "Acme priority", ["toplevel-property-extension"]
    ) | {"extension_properties": ["acme_priority"]}


def _ext_def_new_sdo() -> StixObject:
    return _extension_definition(EXT_NEW_SDO_ID, "Acme widget", ["new-sdo"])


def _tlp_green_2() -> StixObject:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": TLP_GREEN_2_ID,
        "created": "2022-10-01T00:00:00.000Z",
        "name": "TLP:GREEN",
        "extensions": {
            TLP_2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": "green"}
        },
    }


def _statement_marking() -> StixObject:
    return {
        "type": "marking-definition",
        "spec_version": "2.1",
        "id": STATEMENT_MARKING_ID,
        "created_by_ref": IDENTITY_ID,
        "created": CREATED,
        "name": "Example copyright statement",
        "definition_type": "statement",
        "definition": {"statement": "Copyright 2024 Example Corp (synthetic)."},
    }


def _indicator_custom_property() -> StixObject:
    return _merged(
        _indicator(),
        id=_sdo_id("indicator", "custom-property"),
        x_acme_score=87,
    )


def _indicator_full() -> StixObject:
    """Indicator exercising kill chain phases, external refs and granular markings."""
    return _merged(
        _indicator(),
        id=_sdo_id("indicator", "full"),
        pattern="[file:hashes.'SHA-256' = '" + _SHA256_FILE + "']",
        valid_until="2025-01-15T10:00:00.000Z",
        kill_chain_phases=_kill_chain(),
        external_references=_ext_ref(),
        labels=["synthetic"],
        confidence=80,
        lang="en",
        granular_markings=[
            {
                "selectors": ["description", "labels.[0]"],
                "marking_ref": STATEMENT_MARKING_ID,
            },
        ],
    )


def _tool_property_extension() -> StixObject:
    return _merged(
        _tool(),
        id=_sdo_id("tool", "property-extension"),
        extensions={
            EXT_PROPERTY_ID: {"extension_type": "property-extension", "rating": 4, "reviewed": True}
        },
    )


def _campaign_toplevel_extension() -> StixObject:
    return _merged(
        _campaign(),
        id=_sdo_id("campaign", "toplevel-extension"),
        acme_priority="high",
        extensions={EXT_TOPLEVEL_ID: {"extension_type": "toplevel-property-extension"}},
    )


def _acme_widget() -> StixObject:
    """A ``new-sdo`` object defined by the Acme widget extension-definition."""
    return {
        "type": "acme-widget",
        "spec_version": "2.1",
        "id": _sdo_id("acme-widget", "base"),
        "created_by_ref": IDENTITY_ID,
        "created": CREATED,
        "modified": MODIFIED,
        "name": "Widget 7",
        "widget_size": 3,
        "extensions": {EXT_NEW_SDO_ID: {"extension_type": "new-sdo"}},
    }


# Base factory per STIX type (the first object of each type in VALID_OBJECTS).
_BASES: dict[str, Callable[[], StixObject]] = {
    "attack-pattern": _attack_pattern,
    "campaign": _campaign,
    "course-of-action": _course_of_action,
    "grouping": _grouping,
    "identity": _identity,
    "incident": _incident,
    "indicator": _indicator,
    "infrastructure": _infrastructure,
    "intrusion-set": _intrusion_set,
    "location": _location,
    "malware": _malware,
    "malware-analysis": _malware_analysis,
    "note": _note,
    "observed-data": _observed_data,
    "opinion": _opinion,
    "report": _report,
    "threat-actor": _threat_actor,
    "tool": _tool,
    "vulnerability": _vulnerability,
    "relationship": _relationship,
    "sighting": _sighting,
    "artifact": _artifact,
    "autonomous-system": _autonomous_system,
    "directory": _directory,
    "domain-name": _domain_name,
    "email-addr": _email_addr,
    "email-message": _email_message,
    "file": _file,
    "ipv4-addr": _ipv4_addr,
    "ipv6-addr": _ipv6_addr,
    "mac-addr": _mac_addr,
    "mutex": _mutex,
    "network-traffic": _network_traffic,
    "process": _process,
    "software": _software,
    "url": _url,
    "user-account": _user_account,
    "windows-registry-key": _windows_registry_key,
    "x509-certificate": _x509_certificate,
    "marking-definition": _tlp_green_2,
    "language-content": _language_content,
    "extension-definition": _ext_def_property,
}

SDO_TYPES: tuple[str, ...] = tuple(
    t
    for t in _COMMON_SDO_TYPES
    if t not in ("relationship", "sighting", "language-content", "extension-definition")
)
SRO_TYPES: tuple[str, ...] = ("relationship", "sighting")
SCO_TYPES: tuple[str, ...] = (*sorted(_SCO_CONTRIBUTING), "process")
META_TYPES: tuple[str, ...] = ("marking-definition", "language-content", "extension-definition")


def _build_valid() -> list[StixObject]:
    objects = [factory() for factory in _BASES.values()]
    objects += [
        _statement_marking(),
        _ext_def_toplevel(),
        _ext_def_new_sdo(),
        _indicator_custom_property(),
        _indicator_full(),
        _tool_property_extension(),
        _campaign_toplevel_extension(),
        _acme_widget(),
        _location_latlong(),
        _observed_data_embedded(),
        _vulnerability_cve(),
        _ipv4_addr_dst(),
        _email_addr_rcpt(),
        _artifact_by_url(),
    ]
    return objects


# --------------------------------------------------------------------------
# Broken objects
# --------------------------------------------------------------------------


#: stix2-validator returns ``is_valid == False`` for the object.
_REJECTS = "rejects"
#: stix2-validator raises an exception instead of returning a result.
_RAISES = "raises"
#: stix2-validator (3.3.x) wrongly returns ``is_valid == True``.
_ACCEPTS = "accepts"


class BrokenCase(NamedTuple):
    """One broken object together with the valid base it was derived from."""

    name: str
    field: str
    base: StixObject
    obj: StixObject
    oracle: str


class _Cases:
    """Collects broken cases and guards against duplicate names."""

    def __init__(self) -> None:
        self.items: list[BrokenCase] = []
        self._names: set[str] = set()

    def add(
        self, name: str, field: str, base: StixObject, obj: StixObject, oracle: str = _REJECTS
    ) -> None:
        if name in self._names:
            raise ValueError(f"duplicate broken case name: {name}")
        self._names.add(name)
        self.items.append(BrokenCase(name, field, base, obj, oracle))

    def set(
        self, name: str, base: StixObject, key: str, value: Any, oracle: str = _REJECTS
    ) -> None:
        """Case where property ``key`` of ``base`` gets a bad ``value``."""
        self.add(name, key, base, _with(base, key, value), oracle)

    def drop(self, name: str, base: StixObject, key: str, oracle: str = _REJECTS) -> None:
        """Case where required property ``key`` is removed from ``base``."""
        self.add(name, key, base, _without(base, key), oracle)


def _uuid_of(stix_id: str) -> str:
    return stix_id.split("--", 1)[1]


def _add_id_cases(cases: _Cases) -> None:
    ind = _indicator()
    ind_uuid = _uuid_of(ind["id"])
    bad_ids: dict[str, Any] = {
        "bad-id-no-double-dash": f"indicator-{ind_uuid}",
        "bad-id-no-separator": f"indicator{ind_uuid}",
        "bad-id-not-a-uuid": "indicator--not-a-uuid",
        "bad-id-uppercase-type-prefix": f"INDICATOR--{ind_uuid}",
        "bad-id-empty-string": "",
        "bad-id-uuid-only": ind_uuid,
        "bad-id-uuid-without-hyphens": "indicator--" + ind_uuid.replace("-", ""),
        "bad-id-uuid-truncated": f"indicator--{ind_uuid[:-1]}",
        "bad-id-uuid-too-long": f"indicator--{ind_uuid}0",
        "bad-id-uuid-in-braces": f"indicator--{{{ind_uuid}}}",
        "bad-id-uuid-non-hex-digit": f"indicator--{ind_uuid[:-1]}g",
        "bad-id-uuid-version-0": f"indicator--{ind_uuid[:14]}0{ind_uuid[15:]}",
        "bad-id-uuid-version-f": f"indicator--{ind_uuid[:14]}f{ind_uuid[15:]}",
        "bad-id-uuid-variant-ncs": f"indicator--{ind_uuid[:19]}0{ind_uuid[20:]}",
        "bad-id-uuid-variant-microsoft": f"indicator--{ind_uuid[:19]}c{ind_uuid[20:]}",
        "bad-id-trailing-whitespace": f"{ind['id']} ",
        "bad-id-leading-whitespace": f" {ind['id']}",
        "bad-id-triple-dash": f"indicator---{ind_uuid}",
        "bad-id-urn-uuid": f"urn:uuid:{ind_uuid}",
    }
    for name, value in bad_ids.items():
        cases.set(name, ind, "id", value)

    # id prefix must equal the object's type, for every type with its own schema.
    for stix_type, factory in _BASES.items():
        base = factory()
        if stix_type == "marking-definition":
            base = _statement_marking()
        other = "malware" if stix_type == "indicator" else "indicator"
        cases.set(f"{stix_type}-id-prefix-mismatch", base, "id", f"{other}--{_uuid_of(base['id'])}")

    proc = _process()
    cases.set("process-id-uuidv5", proc, "id", f"process--{uuid.uuid5(_SCO_NAMESPACE, 'pid')}")
    email = _email_message_no_contributing()
    cases.set(
        "email-message-no-contributing-props-uuidv5-id",
        email,
        "id",
        f"email-message--{uuid.uuid5(_SCO_NAMESPACE, 'no-contributing')}",
    )
    account = _user_account_no_contributing()
    cases.set(
        "user-account-no-contributing-props-uuidv5-id",
        account,
        "id",
        f"user-account--{uuid.uuid5(_SCO_NAMESPACE, 'no-contributing')}",
    )


def _add_type_cases(cases: _Cases) -> None:
    ind = _indicator()
    bad_types: dict[str, Any] = {
        "type-uppercase": "Indicator",
        "type-empty-string": "",
        "type-with-underscore": "attack_pattern",
        "type-with-space": "indicator ",
        "type-mismatch-with-schema": "malware",
    }
    for name, value in bad_types.items():
        cases.set(name, ind, "type", value)
    ipv4 = _ipv4_addr()
    cases.set("sco-type-mismatch-with-id", ipv4, "type", "ipv6-addr")
    cases.set("custom-type-reserved-action", _acme_widget(), "type", "action")


def _add_spec_version_cases(cases: _Cases) -> None:
    ind = _indicator()
    bad_versions: dict[str, Any] = {
        "spec-version-2": "2",
        "spec-version-number": 2.1,
        "spec-version-2.1.0": "2.1.0",
        "spec-version-v2.1": "v2.1",
        "spec-version-empty": "",
        "spec-version-null": None,
        "spec-version-2.2": "2.2",
    }
    for name, value in bad_versions.items():
        cases.set(name, ind, "spec_version", value)
    cases.set("sco-spec-version-number", _ipv4_addr(), "spec_version", 2.1)
    cases.set("marking-definition-spec-version-2", _statement_marking(), "spec_version", "2")


def _add_missing_common_cases(cases: _Cases) -> None:
    for stix_type in _COMMON_SDO_TYPES:
        base = _BASES[stix_type]()
        for key in ("spec_version", "created", "modified"):
            cases.drop(f"{stix_type}-missing-{key}", base, key)
    statement = _statement_marking()
    cases.drop("marking-definition-missing-created", statement, "created")
    cases.drop("marking-definition-missing-spec-version", statement, "spec_version")
    widget = _acme_widget()
    cases.drop("new-sdo-object-missing-created", widget, "created")


_REQUIRED: dict[str, tuple[str, ...]] = {
    "attack-pattern": ("name",),
    "campaign": ("name",),
    "course-of-action": ("name",),
    "grouping": ("context", "object_refs"),
    "identity": ("name",),
    "incident": ("name",),
    "indicator": ("pattern", "pattern_type", "valid_from"),
    "infrastructure": ("name",),
    "intrusion-set": ("name",),
    "malware": ("is_family", "name"),
    "malware-analysis": ("product", "result"),
    "note": ("content", "object_refs"),
    "observed-data": ("first_observed", "last_observed", "number_observed", "object_refs"),
    "opinion": ("opinion", "object_refs"),
    "report": ("name", "published", "object_refs"),
    "threat-actor": ("name",),
    "tool": ("name",),
    "vulnerability": ("name",),
    "relationship": ("relationship_type", "source_ref", "target_ref"),
    "sighting": ("sighting_of_ref",),
    "language-content": ("object_ref", "contents"),
    "extension-definition": ("name", "schema", "version", "extension_types"),
    "autonomous-system": ("number",),
    "directory": ("path",),
    "domain-name": ("value",),
    "email-addr": ("value",),
    "email-message": ("is_multipart",),
    "ipv4-addr": ("value",),
    "ipv6-addr": ("value",),
    "mac-addr": ("value",),
    "mutex": ("name",),
    "network-traffic": ("protocols",),
    "software": ("name",),
    "url": ("value",),
}


def _add_missing_required_cases(cases: _Cases) -> None:
    for stix_type, keys in _REQUIRED.items():
        base = _BASES[stix_type]()
        for key in keys:
            cases.drop(f"{stix_type}-missing-{key}", base, key)

    cases.drop("observed-data-embedded-missing-objects", _observed_data_embedded(), "objects")
    cases.drop("location-missing-country-only-locator", _location_country_only(), "country")
    cases.drop("location-missing-longitude", _location_latlong(), "longitude")
    cases.drop("location-missing-latitude", _location_latlong(), "latitude")
    cases.drop("statement-marking-missing-definition", _statement_marking(), "definition")
    cases.drop("statement-marking-missing-definition-type", _statement_marking(), "definition_type")
    cases.drop("tlp2-marking-missing-extensions", _tlp_green_2(), "extensions")

    file_by_hash = _without(_file(), "name")
    cases.drop("file-missing-hashes-and-name", file_by_hash, "hashes")
    nt_src_only = _without(_network_traffic(), "dst_ref")
    cases.drop("network-traffic-missing-src-and-dst-ref", nt_src_only, "src_ref")
    art_url = _artifact_by_url()
    cases.drop("artifact-url-without-hashes", art_url, "hashes")
    art = _without(_artifact(), "hashes")
    cases.drop("artifact-missing-payload-bin-and-url", art, "payload_bin")
    proc_pid_only = _sco("process", pid=4242)
    cases.drop("process-without-any-property", proc_pid_only, "pid")
    cert = _sco("x509-certificate", serial_number="01:02:03")
    cases.drop("x509-certificate-without-any-property", cert, "serial_number")
    mal_analysis = _without(_malware_analysis(), "result")
    mal_analysis = _merged(mal_analysis, analysis_sco_refs=[_file()["id"]])
    cases.drop(
        "malware-analysis-missing-result-and-analysis-sco-refs", mal_analysis, "analysis_sco_refs"
    )


_BAD_TIMESTAMPS: dict[str, str] = {
    "no-timezone": "2023-12-15T10:00:00.000",
    "offset-plus-0100": "2023-12-15T10:00:00.000+01:00",
    "offset-zero-numeric": "2023-12-15T10:00:00.000+00:00",
    "month-13": "2023-13-15T10:00:00.000Z",
    "month-00": "2023-00-15T10:00:00.000Z",
    "day-32": "2023-12-32T10:00:00.000Z",
    "day-00": "2023-12-00T10:00:00.000Z",
    "hour-25": "2023-12-15T25:00:00.000Z",
    "minute-61": "2023-12-15T10:61:00.000Z",
    "missing-t-separator": "2023-12-15 10:00:00.000Z",
    "lowercase-t-and-z": "2023-12-15t10:00:00.000z",
    "date-only": "2023-12-15",
    "two-digit-year": "23-12-15T10:00:00.000Z",
    "nov-31": "2023-11-31T10:00:00.000Z",
    "feb-29-non-leap-year": "2023-02-29T10:00:00.000Z",
    "empty-string": "",
    "free-text": "yesterday",
    "unix-epoch-string": "1702634400",
    "seconds-precision-only": "2023-12-15T10:00:00Z",
    "minutes-precision-only": "2023-12-15T10:00Z",
}


def _add_timestamp_cases(cases: _Cases) -> None:
    ind = _indicator()
    for suffix, value in _BAD_TIMESTAMPS.items():
        cases.set(f"created-{suffix}", ind, "created", value)
    for suffix in (
        "no-timezone",
        "month-13",
        "offset-plus-0100",
        "seconds-precision-only",
        "date-only",
    ):
        value = _BAD_TIMESTAMPS[suffix].replace("2023-", "2024-").replace("12-15", "02-15")
        cases.set(f"modified-{suffix}", ind, "modified", value)

    per_field: list[tuple[str, Callable[[], StixObject], str, str]] = [
        ("indicator-valid-from", _indicator, "valid_from", "no-timezone"),
        ("indicator-valid-from", _indicator, "valid_from", "date-only"),
        ("indicator-valid-from", _indicator, "valid_from", "day-32"),
        ("indicator-valid-until", _indicator, "valid_until", "month-13"),
        ("report-published", _report, "published", "hour-25"),
        ("report-published", _report, "published", "offset-plus-0100"),
        ("observed-data-first-observed", _observed_data, "first_observed", "day-32"),
        ("observed-data-last-observed", _observed_data, "last_observed", "missing-t-separator"),
        ("campaign-first-seen", _campaign, "first_seen", "offset-plus-0100"),
        ("intrusion-set-last-seen", _intrusion_set, "last_seen", "nov-31"),
        ("threat-actor-first-seen", _threat_actor, "first_seen", "free-text"),
        ("malware-first-seen", _malware, "first_seen", "date-only"),
        ("infrastructure-last-seen", _infrastructure, "last_seen", "no-timezone"),
        ("relationship-start-time", _relationship, "start_time", "no-timezone"),
        ("sighting-first-seen", _sighting, "first_seen", "month-13"),
        (
            "malware-analysis-analysis-started",
            _malware_analysis,
            "analysis_started",
            "missing-t-separator",
        ),
        ("malware-analysis-submitted", _malware_analysis, "submitted", "hour-25"),
        ("language-content-object-modified", _language_content, "object_modified", "date-only"),
        ("file-ctime", _file, "ctime", "no-timezone"),
        ("directory-mtime", _directory, "mtime", "month-13"),
        ("network-traffic-start", _network_traffic, "start", "offset-plus-0100"),
        ("email-message-date", _email_message, "date", "day-32"),
        ("process-created-time", _process, "created_time", "date-only"),
        ("user-account-account-created", _user_account, "account_created", "hour-25"),
        ("windows-registry-key-modified-time", _windows_registry_key, "modified_time", "free-text"),
        (
            "x509-certificate-validity-not-after",
            _x509_certificate,
            "validity_not_after",
            "missing-t-separator",
        ),
    ]
    for prefix, factory, key, suffix in per_field:
        cases.set(f"{prefix}-{suffix}", factory(), key, _BAD_TIMESTAMPS[suffix])


def _add_timestamp_order_cases(cases: _Cases) -> None:
    before = "2023-01-01T00:00:00.000Z"
    cases.set("modified-before-created", _indicator(), "modified", "2024-01-14T10:00:00.000Z")
    cases.set(
        "modified-one-ms-before-created", _indicator(), "modified", "2024-01-15T09:59:59.999Z"
    )
    cases.set("indicator-valid-until-before-valid-from", _indicator(), "valid_until", before)
    cases.set("indicator-valid-until-equals-valid-from", _indicator(), "valid_until", CREATED)
    for stix_type in (
        "campaign",
        "intrusion-set",
        "threat-actor",
        "malware",
        "infrastructure",
        "sighting",
    ):
        cases.set(
            f"{stix_type}-last-seen-before-first-seen", _BASES[stix_type](), "last_seen", before
        )
    cases.set(
        "observed-data-last-observed-before-first-observed",
        _observed_data(),
        "last_observed",
        "2024-01-12T07:59:59Z",
    )
    cases.set("relationship-stop-time-before-start-time", _relationship(), "stop_time", before)
    cases.set("relationship-stop-time-equals-start-time", _relationship(), "stop_time", FIRST_SEEN)
    cases.set("network-traffic-end-before-start", _network_traffic(), "end", "2024-01-12T07:55:00Z")


def _add_reference_cases(cases: _Cases) -> None:
    ind = _indicator()
    ident_ref = IDENTITY_ID
    cases.set("created-by-ref-not-an-identifier", ind, "created_by_ref", "acme-cti")
    cases.set("created-by-ref-list", ind, "created_by_ref", [ident_ref])
    cases.set("object-marking-refs-not-a-list", ind, "object_marking_refs", TLP_GREEN_2_ID)
    cases.set("object-marking-refs-empty", ind, "object_marking_refs", [])
    cases.set("object-marking-refs-item-not-identifier", ind, "object_marking_refs", ["TLP:GREEN"])
    cases.set(
        "marking-object-marking-refs-to-identity",
        _statement_marking(),
        "object_marking_refs",
        [ident_ref],
    )
    cases.set(
        "marking-object-marking-refs-self",
        _statement_marking(),
        "object_marking_refs",
        [STATEMENT_MARKING_ID],
    )

    rel = _relationship()
    cases.set("relationship-source-ref-to-relationship", rel, "source_ref", _IDS["relationship"])
    cases.set("relationship-source-ref-to-marking-definition", rel, "source_ref", TLP_GREEN_2_ID)
    cases.set("relationship-source-ref-not-identifier", rel, "source_ref", "indicator")
    cases.set("relationship-target-ref-to-sighting", rel, "target_ref", _IDS["sighting"])
    cases.set(
        "relationship-target-ref-to-language-content", rel, "target_ref", _IDS["language-content"]
    )
    cases.set("relationship-target-ref-to-bundle", rel, "target_ref", _sdo_id("bundle", "base"))
    cases.set("relationship-target-ref-number", rel, "target_ref", 7)
    cases.set("relationship-source-ref-list", rel, "source_ref", [_IDS["indicator"]])
    cases.set("relationship-type-uppercase", rel, "relationship_type", "Indicates")
    cases.set("relationship-type-with-space", rel, "relationship_type", "related to")
    cases.set("relationship-type-underscore", rel, "relationship_type", "related_to")

    sig = _sighting()
    cases.set("sighting-of-ref-to-relationship", sig, "sighting_of_ref", _IDS["relationship"])
    cases.set("sighting-of-ref-to-sighting", sig, "sighting_of_ref", _IDS["sighting"])
    cases.set("sighting-of-ref-to-marking-definition", sig, "sighting_of_ref", TLP_GREEN_2_ID)
    cases.set("sighting-of-ref-empty", sig, "sighting_of_ref", "")
    cases.set(
        "sighting-where-sighted-refs-to-malware", sig, "where_sighted_refs", [_IDS["malware"]]
    )
    cases.set("sighting-where-sighted-refs-not-a-list", sig, "where_sighted_refs", IDENTITY_ID)
    cases.set("sighting-where-sighted-refs-empty", sig, "where_sighted_refs", [])
    cases.set(
        "sighting-observed-data-refs-to-indicator", sig, "observed_data_refs", [_IDS["indicator"]]
    )
    cases.set(
        "sighting-observed-data-refs-not-a-list", sig, "observed_data_refs", _IDS["observed-data"]
    )
    cases.set("sighting-count-negative", sig, "count", -1)
    cases.set("sighting-count-too-large", sig, "count", 1_000_000_000)
    cases.set("sighting-count-string", sig, "count", "2")
    cases.set("sighting-summary-not-boolean", sig, "summary", "no")

    for stix_type in ("report", "grouping", "note", "opinion", "observed-data"):
        base = _BASES[stix_type]()
        cases.set(f"{stix_type}-object-refs-empty", base, "object_refs", [])
        cases.set(
            f"{stix_type}-object-refs-not-a-list", base, "object_refs", base["object_refs"][0]
        )
    cases.set(
        "report-object-refs-item-not-identifier",
        _report(),
        "object_refs",
        ["campaign-example-harbor"],
    )
    cases.set("note-object-refs-item-number", _note(), "object_refs", [1])
    cases.set(
        "observed-data-object-refs-to-sdo", _observed_data(), "object_refs", [_IDS["indicator"]]
    )

    mal = _malware()
    cases.set(
        "malware-operating-system-refs-to-file", mal, "operating_system_refs", [_file()["id"]]
    )
    cases.set(
        "malware-operating-system-refs-not-a-list", mal, "operating_system_refs", _software()["id"]
    )
    ma = _malware_analysis()
    cases.set("malware-analysis-host-vm-ref-to-file", ma, "host_vm_ref", _file()["id"])
    cases.set("malware-analysis-sample-ref-to-domain-name", ma, "sample_ref", _domain_name()["id"])
    cases.set(
        "malware-analysis-installed-software-refs-to-url",
        ma,
        "installed_software_refs",
        [_url()["id"]],
    )
    cases.set(
        "language-content-object-ref-to-language-content",
        _language_content(),
        "object_ref",
        _IDS["language-content"],
    )
    cases.set(
        "language-content-object-ref-not-identifier", _language_content(), "object_ref", "campaign"
    )

    dom = _domain_name()
    cases.set(
        "domain-name-resolves-to-refs-not-a-list", dom, "resolves_to_refs", _ipv4_addr()["id"]
    )
    cases.set("domain-name-resolves-to-refs-empty", dom, "resolves_to_refs", [])
    email = _email_message()
    cases.set("email-message-to-refs-not-a-list", email, "to_refs", _email_addr_rcpt()["id"])
    cases.set("email-message-to-refs-empty", email, "to_refs", [])
    cases.set("email-message-received-lines-empty", email, "received_lines", [])


def _add_common_property_cases(cases: _Cases) -> None:
    ind = _indicator()
    for name, value in {
        "101": 101,
        "negative": -1,
        "string": "50",
        "float": 50.5,
        "boolean": True,
    }.items():
        cases.set(f"confidence-{name}", ind, "confidence", value)
    for name, value in {
        "number": 123,
        "underscore-separator": "en_US",
        "empty": "",
        "list": ["en"],
    }.items():
        cases.set(f"lang-{name}", ind, "lang", value)
    for name, value in {"string": "true", "number": 1, "null": None}.items():
        cases.set(f"revoked-{name}", ind, "revoked", value)
    for name, value in {
        "string": "synthetic",
        "numbers": [1, 2],
        "empty": [],
        "nested-list": [["a"]],
    }.items():
        cases.set(f"labels-{name}", ind, "labels", value)
    cases.set("description-not-a-string", ind, "description", ["text"])
    cases.set("name-not-a-string", ind, "name", 42)
    cases.set("extensions-empty-dict", ind, "extensions", {})

    kc = _kill_chain()[0]
    cases.set(
        "kill-chain-phase-missing-kill-chain-name",
        ind,
        "kill_chain_phases",
        [{"phase_name": kc["phase_name"]}],
    )
    cases.set("kill-chain-phases-empty", _attack_pattern(), "kill_chain_phases", [])

    ref = _ext_ref()[0]
    ap = _attack_pattern()
    cases.set(
        "external-reference-missing-source-name",
        ap,
        "external_references",
        [{k: v for k, v in ref.items() if k != "source_name"}],
    )
    cases.set(
        "external-reference-source-name-only",
        ap,
        "external_references",
        [{"source_name": "acme-kb"}],
    )
    cases.set("external-references-empty", ap, "external_references", [])
    cases.set("external-references-not-a-list", ap, "external_references", ref)
    cases.set(
        "external-reference-bad-url", ap, "external_references", [{**ref, "url": "not a url"}]
    )
    cases.set(
        "external-reference-bad-md5",
        ap,
        "external_references",
        [{**ref, "hashes": {"MD5": "1234"}}],
    )
    cases.set(
        "external-reference-cve-bad-id",
        _vulnerability_cve(),
        "external_references",
        [{"source_name": "cve", "external_id": "CVE-99-1"}],
    )
    cases.set(
        "external-reference-capec-bad-id",
        _attack_pattern_capec(),
        "external_references",
        [{"source_name": "capec", "external_id": "CAPEC-ABC"}],
    )

    gm = {"selectors": ["description"], "marking_ref": STATEMENT_MARKING_ID}
    cases.set(
        "granular-marking-missing-selectors",
        ind,
        "granular_markings",
        [{"marking_ref": STATEMENT_MARKING_ID}],
    )
    cases.set(
        "granular-marking-missing-marking-ref",
        ind,
        "granular_markings",
        [{"selectors": ["description"]}],
    )
    cases.set(
        "granular-marking-empty-selectors", ind, "granular_markings", [{**gm, "selectors": []}]
    )
    cases.set(
        "granular-marking-selector-not-a-property",
        ind,
        "granular_markings",
        [{**gm, "selectors": ["x_missing_field"]}],
    )
    cases.set(
        "granular-marking-selector-index-out-of-range",
        ind,
        "granular_markings",
        [{**gm, "selectors": ["object_marking_refs.[5]"]}],
    )
    cases.set(
        "granular-marking-marking-ref-to-identity",
        ind,
        "granular_markings",
        [{**gm, "marking_ref": IDENTITY_ID}],
    )
    cases.set("granular-markings-empty", ind, "granular_markings", [])
    cases.set(
        "marking-granular-marking-self-reference",
        _statement_marking(),
        "granular_markings",
        [{"selectors": ["name"], "marking_ref": STATEMENT_MARKING_ID}],
    )

    bad_prop_names: dict[str, Any] = {
        "uppercase": "X_ACME_SCORE",
        "too-short": "ab",
        "hyphen": "x-acme-score",
        "leading-digit": "1acme_score",
        "space": "x acme score",
        "leading-underscore": "_acme_score",
    }
    for name, key in bad_prop_names.items():
        cases.add(f"property-name-{name}", key, ind, _with(ind, key, 1))
    ipv4 = _ipv4_addr()
    cases.add("sco-property-name-too-short", "ab", ipv4, _with(ipv4, "ab", "x"))
    cases.add("sco-property-name-uppercase", "Acme", ipv4, _with(ipv4, "Acme", "x"))
    for key in ("severity", "action", "username", "phone_numbers"):
        cases.add(f"reserved-property-{key.replace('_', '-')}", key, ind, _with(ind, key, "x"))
    cases.add(
        "custom-property-bin-not-base64",
        "x_acme_blob_bin",
        ind,
        _with(ind, "x_acme_blob_bin", "not base64!"),
    )
    cases.add(
        "custom-property-hex-not-hex", "x_acme_blob_hex", ind, _with(ind, "x_acme_blob_hex", "xyz")
    )
    cases.set("custom-property-empty-list", _indicator_custom_property(), "x_acme_score", [])
    cases.set("custom-property-null", _indicator_custom_property(), "x_acme_score", None)


def _add_sdo_specific_cases(cases: _Cases) -> None:
    ind = _indicator()
    cases.set("indicator-pattern-syntax-error", ind, "pattern", "[ipv4-addr:value = ")
    cases.set("indicator-pattern-not-a-string", ind, "pattern", ["[ipv4-addr:value = 'x']"])
    cases.set(
        "indicator-pattern-unknown-operator", ind, "pattern", "[ipv4-addr:value ~= '198.51.100.7']"
    )
    cases.set("indicator-pattern-bad-object-type", ind, "pattern", "[IPv4_Addr:value = '1']")
    cases.set(
        "indicator-pattern-bad-property-name",
        ind,
        "pattern",
        "[ipv4-addr:Value-X = '198.51.100.7']",
    )
    cases.set("indicator-pattern-type-not-a-string", ind, "pattern_type", 1)
    cases.set("indicator-pattern-version-not-a-string", ind, "pattern_version", 2.1)
    cases.set("indicator-types-empty", ind, "indicator_types", [])
    cases.set("indicator-types-not-a-list", ind, "indicator_types", "malicious-activity")

    ident = _identity()
    cases.set("identity-roles-empty", ident, "roles", [])
    cases.set("identity-sectors-not-a-list", ident, "sectors", "technology")
    cases.set(
        "identity-contact-information-not-a-string",
        ident,
        "contact_information",
        {"email": "cti@example.com"},
    )

    loc = _location_latlong()
    cases.set("location-latitude-above-90", loc, "latitude", 90.5)
    cases.set("location-latitude-below-minus-90", loc, "latitude", -91)
    cases.set("location-longitude-above-180", loc, "longitude", 180.01)
    cases.set("location-longitude-below-minus-180", loc, "longitude", -181)
    cases.set("location-latitude-string", loc, "latitude", "52.37")
    cases.set("location-precision-string", loc, "precision", "1000")
    loc_country = _location_country_only()
    cases.set("location-precision-without-coordinates", loc_country, "precision", 10.0)
    cases.set("location-latitude-without-longitude", loc_country, "latitude", 10.0)

    mal = _malware()
    cases.set("malware-is-family-string", mal, "is_family", "true")
    cases.set("malware-types-empty", mal, "malware_types", [])
    cases.set("malware-aliases-empty", mal, "aliases", [])
    cases.set("malware-sample-refs-empty", mal, "sample_refs", [])
    ma = _malware_analysis()
    cases.set("malware-analysis-modules-empty", ma, "modules", [])

    cases.set("campaign-aliases-empty", _campaign(), "aliases", [])
    cases.set("attack-pattern-aliases-empty", _attack_pattern(), "aliases", [])
    cases.set("campaign-aliases-not-a-list", _campaign(), "aliases", "Example Harbor")
    cases.set("threat-actor-types-empty", _threat_actor(), "threat_actor_types", [])
    cases.set("threat-actor-roles-not-a-list", _threat_actor(), "roles", "agent")
    cases.set("intrusion-set-goals-empty", _intrusion_set(), "goals", [])
    cases.set("infrastructure-types-empty", _infrastructure(), "infrastructure_types", [])
    cases.set("tool-types-empty", _tool(), "tool_types", [])
    cases.set("tool-version-not-a-string", _tool(), "tool_version", 2.0)
    cases.set("report-types-empty", _report(), "report_types", [])
    cases.set("grouping-context-not-a-string", _grouping(), "context", ["suspicious-activity"])
    cases.set("note-content-not-a-string", _note(), "content", {"text": "x"})
    cases.set("note-authors-empty", _note(), "authors", [])
    cases.set("opinion-value-not-in-enum", _opinion(), "opinion", "maybe")
    cases.set("opinion-value-uppercase", _opinion(), "opinion", "Agree")

    od = _observed_data()
    cases.set("observed-data-number-observed-zero", od, "number_observed", 0)
    cases.set("observed-data-number-observed-too-large", od, "number_observed", 1_000_000_000)
    cases.set("observed-data-number-observed-negative", od, "number_observed", -3)
    cases.set("observed-data-number-observed-string", od, "number_observed", "3")
    cases.set("observed-data-number-observed-float", od, "number_observed", 3.5)
    cases.set(
        "observed-data-objects-and-object-refs", od, "objects", _observed_data_embedded()["objects"]
    )
    cases.set("observed-data-objects-empty", _observed_data_embedded(), "objects", {})

    lc = _language_content()
    cases.set(
        "language-content-contents-bad-language-key", lc, "contents", {"en_US": {"name": "x"}}
    )
    cases.set(
        "language-content-contents-bad-property-name",
        lc,
        "contents",
        {"de": {"Name": "Operation Beispielhafen"}},
    )
    cases.set("language-content-contents-empty", lc, "contents", {})


def _add_extension_cases(cases: _Cases) -> None:
    ext_def = _ext_def_property()
    cases.set("extension-definition-types-bad-value", ext_def, "extension_types", ["new-thing"])
    cases.set("extension-definition-types-empty", ext_def, "extension_types", [])
    cases.set(
        "extension-definition-types-not-a-list", ext_def, "extension_types", "property-extension"
    )
    cases.set(
        "extension-definition-properties-without-toplevel-type",
        ext_def,
        "extension_properties",
        ["acme_rating"],
    )
    cases.set("extension-definition-version-not-a-string", ext_def, "version", 1)
    cases.set("extension-definition-schema-not-a-string", ext_def, "schema", {"type": "object"})
    cases.set(
        "extension-definition-toplevel-properties-empty",
        _ext_def_toplevel(),
        "extension_properties",
        [],
    )

    tool = _tool_property_extension()
    cases.set(
        "extension-missing-extension-type", tool, "extensions", {EXT_PROPERTY_ID: {"rating": 4}}
    )
    cases.set(
        "extension-bad-extension-type",
        tool,
        "extensions",
        {EXT_PROPERTY_ID: {"extension_type": "property", "rating": 4}},
    )
    cases.set(
        "extension-key-not-extension-definition-id",
        tool,
        "extensions",
        {"acme-rating": {"extension_type": "property-extension", "rating": 4}},
    )
    cases.set(
        "extension-key-bad-uuid",
        tool,
        "extensions",
        {"extension-definition--1234": {"extension_type": "property-extension"}},
    )
    cases.set("extension-value-not-an-object", tool, "extensions", {EXT_PROPERTY_ID: "rating=4"})
    cases.set("extensions-not-a-dict", tool, "extensions", [EXT_PROPERTY_ID])
    cases.set("predefined-style-extension-empty", _tool(), "extensions", {"x-acme-ext": {}})
    widget = _acme_widget()
    cases.set(
        "new-sdo-extension-bad-extension-type",
        widget,
        "extensions",
        {EXT_NEW_SDO_ID: {"extension_type": "new-object"}},
    )
    cases.set("new-sdo-type-uppercase", widget, "type", "Acme-Widget")

    tlp = _tlp_green_2()
    cases.set(
        "tlp2-extension-missing-extension-type",
        tlp,
        "extensions",
        {TLP_2_EXTENSION_ID: {"tlp_2_0": "green"}},
    )
    cases.set(
        "tlp2-extensions-custom-ext-key", tlp, "extensions", {"tlp-ext": {"tlp_2_0": "green"}}
    )


def _add_marking_cases(cases: _Cases) -> None:
    statement = _statement_marking()
    cases.set("marking-definition-type-tlp-non-canonical", statement, "definition_type", "tlp")
    cases.set(
        "marking-definition-statement-missing-statement",
        statement,
        "definition",
        {"text": "Copyright 2024 Example Corp"},
    )
    cases.set(
        "marking-definition-definition-not-an-object",
        statement,
        "definition",
        "Copyright 2024 Example Corp",
    )
    cases.set("marking-definition-created-no-timezone", statement, "created", "2024-01-15T10:00:00")
    cases.set(
        "marking-definition-created-by-ref-not-identifier", statement, "created_by_ref", "acme"
    )
    cases.set("marking-definition-name-not-a-string", statement, "name", 1)
    tlp = _tlp_green_2()
    cases.set("tlp2-marking-id-wrong-prefix", tlp, "id", f"identity--{_uuid_of(TLP_GREEN_2_ID)}")


def _add_sco_cases(cases: _Cases) -> None:
    ipv4 = _ipv4_addr()
    for name, value in {
        "number": 3325256711,
        "octet-256": "256.51.100.7",
        "cidr-33": "198.51.100.0/33",
        "three-octets": "198.51.100",
        "ipv6-value": "2001:db8::7",
        "empty": "",
    }.items():
        cases.set(f"ipv4-addr-value-{name}", ipv4, "value", value)
    cases.set("ipv4-addr-resolves-to-refs-not-a-list", ipv4, "resolves_to_refs", _mac_addr()["id"])
    cases.set("ipv4-addr-belongs-to-refs-empty", ipv4, "belongs_to_refs", [])
    ipv6 = _ipv6_addr()
    cases.set("ipv6-addr-value-bad-hex", ipv6, "value", "2001:db8::zz")
    cases.set("ipv6-addr-value-ipv4", ipv6, "value", "198.51.100.7")
    cases.set("ipv6-addr-value-prefix-129", ipv6, "value", "2001:db8::/129")
    mac = _mac_addr()
    cases.set("mac-addr-value-uppercase", mac, "value", "00:00:5E:00:53:01")
    cases.set("mac-addr-value-dashes", mac, "value", "00-00-5e-00-53-01")
    cases.set("mac-addr-value-short", mac, "value", "00:00:5e:00:53")
    cases.set("domain-name-value-not-a-string", _domain_name(), "value", 42)
    cases.set("domain-name-value-with-spaces", _domain_name(), "value", "c2 example com")
    cases.set("url-value-not-a-uri", _url(), "value", "c2.example.com/gate php")
    cases.set("url-value-number", _url(), "value", 80)
    cases.set("email-addr-value-no-at-sign", _email_addr(), "value", "sender.example.com")
    cases.set("email-addr-value-number", _email_addr(), "value", 1)
    cases.set("autonomous-system-number-string", _autonomous_system(), "number", "AS64500")
    cases.set("autonomous-system-number-float", _autonomous_system(), "number", 64500.5)
    cases.set("directory-path-not-a-string", _directory(), "path", ["/tmp"])
    cases.set("directory-path-enc-invalid", _directory(), "path_enc", "not a charset!")
    cases.set("mutex-name-not-a-string", _mutex(), "name", 7)
    cases.set("sco-defanged-not-boolean", _url(), "defanged", "yes")
    cases.set("sco-object-marking-refs-empty", _url(), "object_marking_refs", [])

    f = _file()
    cases.set("file-hashes-md5-wrong-length", f, "hashes", {"MD5": "d41d8cd98f00b204"})
    cases.set("file-hashes-sha256-non-hex", f, "hashes", {"SHA-256": "z" * 64})
    cases.set("file-hashes-sha1-number", f, "hashes", {"SHA-1": 1234})
    cases.set("file-hashes-empty", f, "hashes", {})
    cases.set("file-hashes-key-too-short", f, "hashes", {"md": _MD5_FILE})
    cases.set("file-hashes-tlsh-wrong-length", f, "hashes", {"TLSH": "T1" + "A" * 10})
    cases.set("file-size-negative", f, "size", -1)
    cases.set("file-size-string", f, "size", "34")
    cases.set("file-name-enc-invalid", f, "name_enc", "utf 8!")
    cases.set("file-magic-number-hex-not-hex", f, "magic_number_hex", "MZ??")
    cases.set("file-contains-refs-empty", f, "contains_refs", [])
    cases.set("file-ntfs-ext-empty", f, "extensions", {"ntfs-ext": {}})
    cases.set(
        "file-archive-ext-missing-contains-refs",
        f,
        "extensions",
        {"archive-ext": {"comment": "synthetic"}},
    )

    art = _artifact()
    cases.set("artifact-payload-bin-not-base64", art, "payload_bin", "not base64!")
    cases.set("artifact-payload-and-url", art, "url", "https://files.example.com/a.bin")
    cases.set("artifact-encryption-algorithm-bad", art, "encryption_algorithm", "ROT13")
    cases.set("artifact-decryption-key-without-algorithm", art, "decryption_key", "infected")
    cases.set("artifact-hashes-sha256-too-short", art, "hashes", {"SHA-256": "abcd"})

    nt = _network_traffic()
    cases.set("network-traffic-src-port-too-large", nt, "src_port", 70000)
    cases.set("network-traffic-dst-port-negative", nt, "dst_port", -1)
    cases.set("network-traffic-protocols-not-a-list", nt, "protocols", "tcp")
    cases.set("network-traffic-protocols-empty", nt, "protocols", [])
    cases.set("network-traffic-is-active-with-end", nt, "is_active", True)
    cases.set("network-traffic-src-byte-count-string", nt, "src_byte_count", "100")
    cases.set(
        "network-traffic-http-ext-missing-request-value",
        nt,
        "extensions",
        {"http-request-ext": {"request_method": "get"}},
    )
    cases.set(
        "network-traffic-socket-ext-bad-address-family",
        nt,
        "extensions",
        {"socket-ext": {"address_family": "AF_MARS"}},
    )

    proc = _process()
    cases.set("process-pid-string", proc, "pid", "4242")
    cases.set("process-is-hidden-string", proc, "is_hidden", "no")
    cases.set("process-child-refs-empty", proc, "child_refs", [])
    cases.set(
        "process-windows-service-ext-bad-start-type",
        proc,
        "extensions",
        {"windows-service-ext": {"service_name": "acme", "start_type": "AUTO"}},
    )

    sw = _software()
    cases.set("software-cpe-malformed", sw, "cpe", "cpe:/a:acme:acmebrowser:1.0")
    cases.set("software-languages-underscore-separator", sw, "languages", ["en_US"])
    cases.set("software-languages-empty", sw, "languages", [])

    ua = _user_account()
    cases.set("user-account-is-privileged-string", ua, "is_privileged", "yes")
    cases.set("user-account-unix-ext-empty", ua, "extensions", {"unix-account-ext": {}})

    reg = _windows_registry_key()
    cases.set("windows-registry-key-hive-abbreviation", reg, "key", "HKLM\\Software\\Acme\\Run")
    cases.set(
        "windows-registry-key-value-bad-data-type",
        reg,
        "values",
        [{"name": "Updater", "data": "x", "data_type": "REG_STRING"}],
    )
    cases.set("windows-registry-key-values-empty", reg, "values", [])
    cases.set("windows-registry-key-number-of-subkeys-string", reg, "number_of_subkeys", "2")

    cert = _x509_certificate()
    cases.set("x509-certificate-exponent-string", cert, "subject_public_key_exponent", "65537")
    cases.set("x509-certificate-is-self-signed-string", cert, "is_self_signed", "false")

    email = _email_message()
    cases.set("email-message-is-multipart-string", email, "is_multipart", "false")
    cases.set(
        "email-message-multipart-false-with-body-multipart",
        email,
        "body_multipart",
        [{"body": "part", "content_type": "text/plain"}],
    )
    multipart = _merged(
        _without(email, "body"),
        is_multipart=True,
        body_multipart=[{"body": "part one", "content_type": "text/plain"}],
    )
    multipart["id"] = _sco_id("email-message", multipart)
    cases.set("email-message-multipart-true-with-body", multipart, "body", "flat body")
    cases.set(
        "email-message-mime-part-missing-body",
        multipart,
        "body_multipart",
        [{"content_type": "text/plain"}],
    )


def _add_validator_crash_cases(cases: _Cases) -> None:
    """Invalid objects for which stix2-validator raises instead of rejecting.

    ``validate_instance`` requires ``type`` and ``id`` up front, and several of
    its checks assume strings (or dicts with all required keys) where the
    schema has already flagged a different type.
    """
    ind = _indicator()
    cases.drop("indicator-missing-type", ind, "type", oracle=_RAISES)
    cases.drop("indicator-missing-id", ind, "id", oracle=_RAISES)
    cases.drop("sco-missing-id", _ipv4_addr(), "id", oracle=_RAISES)
    cases.drop("sco-missing-type", _ipv4_addr(), "type", oracle=_RAISES)
    cases.set("bad-id-not-a-string", ind, "id", 42, oracle=_RAISES)
    cases.set("type-not-a-string", ind, "type", ["indicator"], oracle=_RAISES)
    cases.set("created-plain-number", ind, "created", 1702634400, oracle=_RAISES)
    cases.set("created-null", ind, "created", None, oracle=_RAISES)
    cases.set("modified-plain-number", ind, "modified", 1706790600, oracle=_RAISES)
    cases.set("indicator-valid-from-plain-number", ind, "valid_from", 1705312800, oracle=_RAISES)
    cases.set("report-published-plain-number", _report(), "published", 1706792400, oracle=_RAISES)
    cases.set(
        "x509-certificate-validity-not-before-number",
        _x509_certificate(),
        "validity_not_before",
        1704067200,
        oracle=_RAISES,
    )
    kc = _kill_chain()[0]
    cases.set(
        "kill-chain-phase-missing-phase-name",
        ind,
        "kill_chain_phases",
        [{"kill_chain_name": kc["kill_chain_name"]}],
        oracle=_RAISES,
    )
    cases.set("kill-chain-phases-not-a-list", ind, "kill_chain_phases", kc, oracle=_RAISES)
    cases.set(
        "kill-chain-phase-name-number",
        _tool(),
        "kill_chain_phases",
        [{"kill_chain_name": kc["kill_chain_name"], "phase_name": 3}],
        oracle=_RAISES,
    )
    cases.set(
        "granular-markings-not-a-list",
        ind,
        "granular_markings",
        {"selectors": ["description"], "marking_ref": STATEMENT_MARKING_ID},
        oracle=_RAISES,
    )
    cases.set(
        "relationship-type-not-a-string",
        _relationship(),
        "relationship_type",
        ["indicates"],
        oracle=_RAISES,
    )
    cases.set("identity-class-not-a-string", _identity(), "identity_class", 1, oracle=_RAISES)
    cases.set(
        "location-country-not-a-string", _location_country_only(), "country", ["NL"], oracle=_RAISES
    )
    cases.set("location-region-not-a-string", _location(), "region", 1, oracle=_RAISES)
    cases.set(
        "malware-analysis-product-not-a-string", _malware_analysis(), "product", 7, oracle=_RAISES
    )
    cases.set(
        "marking-definition-type-not-a-string",
        _statement_marking(),
        "definition_type",
        1,
        oracle=_RAISES,
    )


def _add_validator_gap_cases(cases: _Cases) -> None:
    """Objects violating a STIX 2.1 MUST that stix2-validator 3.3.x accepts."""
    ind = _indicator()
    cases.set("spec-version-2.0-on-2.1-object", ind, "spec_version", "2.0", oracle=_ACCEPTS)
    cases.set(
        "created-by-ref-to-non-identity", ind, "created_by_ref", _IDS["malware"], oracle=_ACCEPTS
    )
    cases.set(
        "object-marking-refs-to-identity",
        ind,
        "object_marking_refs",
        [IDENTITY_ID],
        oracle=_ACCEPTS,
    )
    cases.set(
        "granular-marking-lang-and-marking-ref",
        ind,
        "granular_markings",
        [{"selectors": ["description"], "lang": "en", "marking_ref": TLP_GREEN_2_ID}],
        oracle=_ACCEPTS,
    )
    long_name = "x_acme_" + "a" * 250
    for name, key in {
        "longer-than-250": long_name,
        "inner-uppercase": "x_acmeScore",
        "inner-hyphen": "x_acme-score",
    }.items():
        cases.add(f"property-name-{name}", key, ind, _with(ind, key, 1), oracle=_ACCEPTS)
    cases.set(
        "sighting-of-ref-to-sco",
        _sighting(),
        "sighting_of_ref",
        _ipv4_addr()["id"],
        oracle=_ACCEPTS,
    )
    cases.set(
        "sighting-of-ref-to-extension-definition",
        _sighting(),
        "sighting_of_ref",
        EXT_PROPERTY_ID,
        oracle=_ACCEPTS,
    )
    cases.set(
        "relationship-source-ref-to-extension-definition",
        _relationship(),
        "source_ref",
        EXT_PROPERTY_ID,
        oracle=_ACCEPTS,
    )
    cases.set(
        "observed-data-object-refs-to-marking-definition",
        _observed_data(),
        "object_refs",
        [TLP_GREEN_2_ID],
        oracle=_ACCEPTS,
    )
    cases.set(
        "observed-data-object-refs-without-sco",
        _observed_data(),
        "object_refs",
        [_IDS["relationship"]],
        oracle=_ACCEPTS,
    )
    cases.drop(
        "extension-definition-missing-created-by-ref",
        _ext_def_property(),
        "created_by_ref",
        oracle=_ACCEPTS,
    )
    cases.set(
        "malware-sample-refs-to-identity", _malware(), "sample_refs", [IDENTITY_ID], oracle=_ACCEPTS
    )
    cases.set(
        "malware-sample-refs-not-identifiers",
        _malware(),
        "sample_refs",
        ["sample"],
        oracle=_ACCEPTS,
    )
    cases.set(
        "network-traffic-src-ref-to-file",
        _network_traffic(),
        "src_ref",
        _file()["id"],
        oracle=_ACCEPTS,
    )
    cases.set(
        "network-traffic-dst-ref-not-identifier",
        _network_traffic(),
        "dst_ref",
        "203.0.113.5",
        oracle=_ACCEPTS,
    )
    cases.set(
        "domain-name-resolves-to-refs-to-file",
        _domain_name(),
        "resolves_to_refs",
        [_file()["id"]],
        oracle=_ACCEPTS,
    )
    cases.set(
        "email-message-from-ref-to-ipv4-addr",
        _email_message(),
        "from_ref",
        _ipv4_addr()["id"],
        oracle=_ACCEPTS,
    )
    cases.set(
        "file-parent-directory-ref-to-url",
        _file(),
        "parent_directory_ref",
        _url()["id"],
        oracle=_ACCEPTS,
    )


def _build_broken() -> list[BrokenCase]:
    cases = _Cases()
    _add_id_cases(cases)
    _add_type_cases(cases)
    _add_spec_version_cases(cases)
    _add_missing_common_cases(cases)
    _add_missing_required_cases(cases)
    _add_timestamp_cases(cases)
    _add_timestamp_order_cases(cases)
    _add_reference_cases(cases)
    _add_common_property_cases(cases)
    _add_sdo_specific_cases(cases)
    _add_extension_cases(cases)
    _add_marking_cases(cases)
    _add_sco_cases(cases)
    _add_validator_crash_cases(cases)
    _add_validator_gap_cases(cases)
    return cases.items


VALID_OBJECTS: list[StixObject] = _build_valid()

_BROKEN_CASES: list[BrokenCase] = _build_broken()

BROKEN_OBJECTS: list[tuple[str, str, StixObject]] = [
    (case.name, case.field, case.obj) for case in _BROKEN_CASES if case.oracle == _REJECTS
]

#: Invalid objects for which ``stix2validator.validate_instance`` raises an
#: exception (``ValidationError``, ``TypeError``, ``KeyError`` ...) instead of
#: returning ``is_valid == False``.  Our own validator must still reject them.
BROKEN_OBJECTS_VALIDATOR_RAISES: list[tuple[str, str, StixObject]] = [
    (case.name, case.field, case.obj) for case in _BROKEN_CASES if case.oracle == _RAISES
]

#: Objects that break a STIX 2.1 MUST but that stix2-validator 3.3.x accepts
#: (known oracle gaps).  Our own validator should reject them; agreement tests
#: must not expect stix2-validator to.
BROKEN_OBJECTS_VALIDATOR_ACCEPTS: list[tuple[str, str, StixObject]] = [
    (case.name, case.field, case.obj) for case in _BROKEN_CASES if case.oracle == _ACCEPTS
]

BROKEN_BASES: dict[str, StixObject] = {case.name: case.base for case in _BROKEN_CASES}
