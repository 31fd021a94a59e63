"""The STIX 2.1 object types: required properties and a checker for each defined property.

Facts from the STIX 2.1 specification (OASIS Standard, 2021), sections 3-8, and the OASIS JSON
schemas that accompany it. Object-level rules that involve several properties live in
`liaison.stix.rules`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from liaison.stix import checks as c
from liaison.stix import values
from liaison.stix.sco import mime_part, predefined_extension_problem, registry_value

SDO_TYPES = (
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident",
    "indicator", "infrastructure", "intrusion-set", "location", "malware", "malware-analysis",
    "note", "observed-data", "opinion", "report", "threat-actor", "tool", "vulnerability",
)  # fmt: skip
SRO_TYPES = ("relationship", "sighting")
SCO_TYPES = (
    "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message",
    "file", "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process",
    "software", "url", "user-account", "windows-registry-key", "x509-certificate",
)  # fmt: skip
META_TYPES = ("marking-definition", "language-content", "extension-definition")
EXTENSION_TYPES = (
    "new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension",
)  # fmt: skip
RESERVED_PROPERTIES = frozenset({"severity", "action", "username", "phone_numbers"})
RESERVED_TYPES = frozenset({"action"})


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """What one STIX type requires and how each of its defined properties is checked."""

    kind: str  # "sdo", "sro", "sco" or "meta"
    required: tuple[str, ...]
    properties: dict[str, c.Checker] = field(default_factory=dict)


_EXT_KEY_CHECK = c.pattern(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*-ext$", "a predefined extension name")


def extensions(v: object) -> str | None:
    """The `extensions` dictionary: extension-definition ids or predefined `*-ext` names."""
    if not isinstance(v, dict) or not v:
        return "must be a non-empty object"
    for key, body in v.items():
        if key.startswith("extension-definition--"):
            problem = c.identifier_problem(key)
            if problem:
                return problem
            if not isinstance(body, dict):
                return f"'{key}' must be an object"
            kind = body.get("extension_type")
            if kind not in EXTENSION_TYPES:
                return f"'{key}' needs extension_type, one of {', '.join(EXTENSION_TYPES)}"
        elif _EXT_KEY_CHECK(key) is not None:
            return f"'{key}' is neither an extension-definition id nor a predefined *-ext name"
        elif not isinstance(body, dict) or not body:
            return f"'{key}' must be a non-empty object"
        else:
            problem = predefined_extension_problem(key, body)
            if problem:
                return problem
    return None


def marking_extensions(v: object) -> str | None:
    """A marking definition's `extensions`: only extension-definition ids (no predefined ones)."""
    if isinstance(v, dict):
        for key in v:
            if not key.startswith("extension-definition--"):
                return f"'{key}' is not an extension-definition id (markings have no *-ext)"
    return extensions(v)


def language_contents(v: object) -> str | None:
    """language-content `contents`: language tag → {property name: translated value}."""
    if not isinstance(v, dict) or not v:
        return "must be a non-empty object"
    for tag, translation in v.items():
        problem = values.language_tag(tag)
        if problem:
            return f"key {problem}"
        if not isinstance(translation, dict) or not translation:
            return f"'{tag}' must be a non-empty object of property: translation"
        for name in translation:
            if c.PROPERTY_NAME_RE.match(name) is None:
                return f"'{tag}' key '{name}' is not a property name (a-z, 0-9, _)"
    return None


_TS = c.timestamp()
_MILLIS = c.timestamp(millis=True)
_STR = c.string()
_STRS = c.strings()
_BOOL = c.boolean()
_KCP = c.list_of(c.kill_chain_phase)
_SCO_TARGET_EXCLUDED = tuple(c.REF_KEYWORDS_EXCLUDED_AS_TARGET)

COMMON_SDO: dict[str, c.Checker] = {
    "type": _STR,
    "spec_version": c.enum("2.1"),
    "id": c.identifier_problem,
    "created_by_ref": c.ref("identity"),
    "created": _MILLIS,
    "modified": _MILLIS,
    "revoked": _BOOL,
    "labels": _STRS,
    "confidence": c.integer(0, 100),
    "lang": values.language_tag,
    "external_references": c.list_of(c.external_reference),
    "object_marking_refs": c.refs("marking-definition"),
    "granular_markings": c.list_of(c.granular_marking),
    "extensions": extensions,
}
COMMON_SCO: dict[str, c.Checker] = {
    "type": _STR,
    "spec_version": c.enum("2.1"),
    "id": c.identifier_problem,
    "object_marking_refs": c.refs("marking-definition"),
    "granular_markings": c.list_of(c.granular_marking),
    "defanged": _BOOL,
    "extensions": extensions,
}
SDO_REQUIRED = ("type", "spec_version", "id", "created", "modified")
SCO_REQUIRED = ("type", "id")


def _sdo(required: tuple[str, ...] = (), **props: c.Checker) -> TypeSpec:
    return TypeSpec("sdo", SDO_REQUIRED + required, {**COMMON_SDO, **props})


def _sco(required: tuple[str, ...] = (), **props: c.Checker) -> TypeSpec:
    return TypeSpec("sco", SCO_REQUIRED + required, {**COMMON_SCO, **props})


_NAMED = {"name": _STR, "description": _STR}
_SEEN = {"first_seen": _TS, "last_seen": _TS}
_ANY_OBJECT_REFS = c.refs()
_MOTIVATION = {"primary_motivation": _STR, "secondary_motivations": _STRS}

TYPES: dict[str, TypeSpec] = {
    "attack-pattern": _sdo(("name",), **_NAMED, aliases=_STRS, kill_chain_phases=_KCP),
    "campaign": _sdo(("name",), **_NAMED, **_SEEN, aliases=_STRS, objective=_STR),
    "course-of-action": _sdo(("name",), **_NAMED, action_type=_STR, os_execution_envs=_STRS),
    "grouping": _sdo(
        ("context", "object_refs"), **_NAMED, context=_STR, object_refs=_ANY_OBJECT_REFS
    ),
    "identity": _sdo(
        ("name",),
        **_NAMED,
        roles=_STRS,
        identity_class=_STR,
        sectors=_STRS,
        contact_information=_STR,
    ),  # fmt: skip
    "incident": _sdo(("name",), **_NAMED, kill_chain_phases=_KCP),
    "indicator": _sdo(
        ("pattern", "pattern_type", "valid_from"),
        **_NAMED,
        indicator_types=_STRS,
        pattern=_STR,
        pattern_type=_STR,
        pattern_version=_STR,
        valid_from=_TS,
        valid_until=_TS,
        kill_chain_phases=_KCP,
    ),  # fmt: skip
    "infrastructure": _sdo(
        ("name",),
        **_NAMED,
        **_SEEN,
        infrastructure_types=_STRS,
        aliases=_STRS,
        kill_chain_phases=_KCP,
    ),  # fmt: skip
    "intrusion-set": _sdo(
        ("name",),
        **_NAMED,
        **_SEEN,
        **_MOTIVATION,
        aliases=_STRS,
        goals=_STRS,
        resource_level=_STR,
    ),  # fmt: skip
    "location": _sdo(
        (),
        **_NAMED,
        latitude=c.number(-90, 90),
        longitude=c.number(-180, 180),
        precision=c.number(0),
        region=_STR,
        country=_STR,
        administrative_area=_STR,
        city=_STR,
        street_address=_STR,
        postal_code=_STR,
    ),  # fmt: skip
    "malware": _sdo(
        ("is_family",),
        **_NAMED,
        **_SEEN,
        malware_types=_STRS,
        is_family=_BOOL,
        aliases=_STRS,
        kill_chain_phases=_KCP,
        operating_system_refs=c.refs("software"),
        architecture_execution_envs=_STRS,
        implementation_languages=_STRS,
        capabilities=_STRS,
        sample_refs=c.refs("artifact", "file"),
    ),  # fmt: skip
    "malware-analysis": _sdo(
        ("product",),
        product=_STR,
        version=_STR,
        host_vm_ref=c.ref("software"),
        operating_system_ref=c.ref("software"),
        installed_software_refs=c.refs("software"),
        configuration_version=_STR,
        modules=_STRS,
        analysis_engine_version=_STR,
        analysis_definition_version=_STR,
        submitted=_TS,
        analysis_started=_TS,
        analysis_ended=_TS,
        result_name=_STR,
        result=_STR,
        analysis_sco_refs=c.refs(),
        sample_ref=c.ref("artifact", "file", "network-traffic"),
    ),  # fmt: skip
    "note": _sdo(
        ("content", "object_refs"),
        abstract=_STR,
        content=_STR,
        authors=_STRS,
        object_refs=_ANY_OBJECT_REFS,
    ),  # fmt: skip
    "observed-data": _sdo(
        ("first_observed", "last_observed", "number_observed"),
        first_observed=_TS,
        last_observed=_TS,
        number_observed=c.integer(1, 999_999_999),
        objects=c.dictionary(),
        object_refs=c.refs(
            exclude=("bundle", "language-content", "marking-definition", *SDO_TYPES)
        ),
    ),  # fmt: skip
    "opinion": _sdo(
        ("opinion", "object_refs"),
        explanation=_STR,
        authors=_STRS,
        opinion=c.enum("strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"),
        object_refs=_ANY_OBJECT_REFS,
    ),  # fmt: skip
    "report": _sdo(
        ("name", "published", "object_refs"),
        **_NAMED,
        report_types=_STRS,
        published=_TS,
        object_refs=_ANY_OBJECT_REFS,
    ),  # fmt: skip
    "threat-actor": _sdo(
        ("name",),
        **_NAMED,
        **_SEEN,
        **_MOTIVATION,
        threat_actor_types=_STRS,
        aliases=_STRS,
        roles=_STRS,
        goals=_STRS,
        sophistication=_STR,
        resource_level=_STR,
        personal_motivations=_STRS,
    ),  # fmt: skip
    "tool": _sdo(
        ("name",),
        **_NAMED,
        tool_types=_STRS,
        aliases=_STRS,
        kill_chain_phases=_KCP,
        tool_version=_STR,
    ),  # fmt: skip
    "vulnerability": _sdo(("name",), **_NAMED),
    "relationship": TypeSpec(
        "sro",
        (*SDO_REQUIRED, "relationship_type", "source_ref", "target_ref"),
        {
            **COMMON_SDO,
            "relationship_type": c.pattern(r"^[a-z0-9-]+$", "a relationship type (a-z, 0-9, -)"),
            "description": _STR,
            "source_ref": c.ref(exclude=_SCO_TARGET_EXCLUDED),
            "target_ref": c.ref(exclude=_SCO_TARGET_EXCLUDED),
            "start_time": _TS,
            "stop_time": _TS,
        },
    ),
    "sighting": TypeSpec(
        "sro",
        (*SDO_REQUIRED, "sighting_of_ref"),
        {
            **COMMON_SDO,
            "description": _STR,
            **_SEEN,
            "count": c.integer(0, 999_999_999),
            "sighting_of_ref": c.ref(exclude=(*_SCO_TARGET_EXCLUDED, *SCO_TYPES)),
            "observed_data_refs": c.refs("observed-data"),
            "where_sighted_refs": c.refs("identity", "location"),
            "summary": _BOOL,
        },
    ),
    "marking-definition": TypeSpec(
        "meta",
        ("type", "spec_version", "id", "created"),
        {
            "type": _STR,
            "spec_version": c.enum("2.1"),
            "id": c.identifier_problem,
            "created_by_ref": c.ref("identity"),
            "created": _MILLIS,
            "external_references": c.list_of(c.external_reference),
            "object_marking_refs": c.refs("marking-definition"),
            "granular_markings": c.list_of(c.granular_marking),
            "extensions": marking_extensions,
            "name": _STR,
            "definition_type": _STR,
            "definition": c.dictionary(),
        },
    ),
    "language-content": TypeSpec(
        "meta",
        (*SDO_REQUIRED, "object_ref", "contents"),
        {
            **COMMON_SDO,
            "object_ref": c.ref(exclude=("bundle", "language-content")),
            "object_modified": _MILLIS,
            "contents": language_contents,
        },
    ),
    "extension-definition": TypeSpec(
        "meta",
        (*SDO_REQUIRED, "created_by_ref", "name", "schema", "version", "extension_types"),
        {
            **COMMON_SDO,
            "name": _STR,
            "description": _STR,
            "schema": _STR,
            "version": _STR,
            "extension_types": c.list_of(c.enum(*EXTENSION_TYPES)),
            "extension_properties": _STRS,
        },
    ),
    "artifact": _sco(
        (),
        mime_type=_STR,
        payload_bin=c.binary,
        url=values.uri,
        hashes=c.hashes(),
        encryption_algorithm=c.enum("AES-256-GCM", "ChaCha20-Poly1305", "mime-type-indicated"),
        decryption_key=_STR,
    ),  # fmt: skip
    "autonomous-system": _sco(("number",), number=c.integer(0), name=_STR, rir=_STR),
    "directory": _sco(
        ("path",),
        path=_STR,
        path_enc=values.charset,
        ctime=_TS,
        mtime=_TS,
        atime=_TS,
        contains_refs=c.refs("file", "directory"),
    ),  # fmt: skip
    "domain-name": _sco(
        ("value",),
        value=values.domain_name,
        resolves_to_refs=c.refs("ipv4-addr", "ipv6-addr", "domain-name"),
    ),
    "email-addr": _sco(
        ("value",),
        value=values.email_address,
        display_name=_STR,
        belongs_to_ref=c.ref("user-account"),
    ),
    "email-message": _sco(
        ("is_multipart",),
        is_multipart=_BOOL,
        date=_TS,
        content_type=_STR,
        from_ref=c.ref("email-addr"),
        sender_ref=c.ref("email-addr"),
        to_refs=c.refs("email-addr"),
        cc_refs=c.refs("email-addr"),
        bcc_refs=c.refs("email-addr"),
        message_id=_STR,
        subject=_STR,
        received_lines=_STRS,
        additional_header_fields=c.dictionary(),
        body=_STR,
        body_multipart=c.list_of(mime_part),
        raw_email_ref=c.ref("artifact"),
    ),  # fmt: skip
    "file": _sco(
        (),
        hashes=c.hashes(),
        size=c.integer(0),
        name=_STR,
        name_enc=values.charset,
        magic_number_hex=c.hex_string,
        mime_type=_STR,
        ctime=_TS,
        mtime=_TS,
        atime=_TS,
        parent_directory_ref=c.ref("directory"),
        contains_refs=c.refs(),
        content_ref=c.ref("artifact"),
    ),  # fmt: skip
    "ipv4-addr": _sco(
        ("value",),
        value=values.ipv4_value,
        resolves_to_refs=c.refs("mac-addr"),
        belongs_to_refs=c.refs("autonomous-system"),
    ),  # fmt: skip
    "ipv6-addr": _sco(
        ("value",),
        value=values.ipv6_value,
        resolves_to_refs=c.refs("mac-addr"),
        belongs_to_refs=c.refs("autonomous-system"),
    ),  # fmt: skip
    "mac-addr": _sco(
        ("value",), value=c.pattern(r"^([0-9a-f]{2}:){5}[0-9a-f]{2}$", "a lowercase MAC address")
    ),
    "mutex": _sco(("name",), name=_STR),
    "network-traffic": _sco(
        ("protocols",),
        start=_TS,
        end=_TS,
        is_active=_BOOL,
        src_ref=c.ref("ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"),
        dst_ref=c.ref("ipv4-addr", "ipv6-addr", "mac-addr", "domain-name"),
        src_port=c.integer(0, 65535),
        dst_port=c.integer(0, 65535),
        protocols=_STRS,
        src_byte_count=c.integer(0),
        dst_byte_count=c.integer(0),
        src_packets=c.integer(0),
        dst_packets=c.integer(0),
        ipfix=c.dictionary(),
        src_payload_ref=c.ref("artifact"),
        dst_payload_ref=c.ref("artifact"),
        encapsulates_refs=c.refs("network-traffic"),
        encapsulated_by_ref=c.ref("network-traffic"),
    ),  # fmt: skip
    "process": _sco(
        (),
        is_hidden=_BOOL,
        pid=c.integer(),
        created_time=_TS,
        cwd=_STR,
        command_line=_STR,
        environment_variables=c.dictionary(),
        opened_connection_refs=c.refs("network-traffic"),
        creator_user_ref=c.ref("user-account"),
        image_ref=c.ref("file"),
        parent_ref=c.ref("process"),
        child_refs=c.refs("process"),
    ),  # fmt: skip
    "software": _sco(
        ("name",),
        name=_STR,
        cpe=values.cpe23,
        swid=_STR,
        languages=c.list_of(values.language_tag),
        vendor=_STR,
        version=_STR,
    ),
    "url": _sco(("value",), value=values.uri),
    "user-account": _sco(
        (),
        user_id=_STR,
        credential=_STR,
        account_login=_STR,
        account_type=_STR,
        display_name=_STR,
        is_service_account=_BOOL,
        is_privileged=_BOOL,
        can_escalate_privs=_BOOL,
        is_disabled=_BOOL,
        account_created=_TS,
        account_expires=_TS,
        credential_last_changed=_TS,
        account_first_login=_TS,
        account_last_login=_TS,
    ),  # fmt: skip
    "windows-registry-key": _sco(
        (),
        key=values.registry_key,
        values=c.list_of(registry_value),
        modified_time=_TS,
        creator_user_ref=c.ref("user-account"),
        number_of_subkeys=c.integer(0),
    ),  # fmt: skip
    "x509-certificate": _sco(
        (),
        is_self_signed=_BOOL,
        hashes=c.hashes(),
        version=_STR,
        serial_number=_STR,
        signature_algorithm=_STR,
        issuer=_STR,
        validity_not_before=_TS,
        validity_not_after=_TS,
        subject=_STR,
        subject_public_key_algorithm=_STR,
        subject_public_key_modulus=_STR,
        subject_public_key_exponent=c.integer(0),
        x509_v3_extensions=c.dictionary(),
    ),  # fmt: skip
}

CUSTOM_SDO = TypeSpec("sdo", SDO_REQUIRED, COMMON_SDO)
CUSTOM_SCO = TypeSpec("sco", SCO_REQUIRED, COMMON_SCO)

TIMESTAMP_ORDER: dict[str, tuple[tuple[str, str, bool], ...]] = {
    # type: ((later, earlier, strictly_later), ...)
    "campaign": (("last_seen", "first_seen", False),),
    "indicator": (("valid_until", "valid_from", True),),
    "infrastructure": (("last_seen", "first_seen", False),),
    "intrusion-set": (("last_seen", "first_seen", False),),
    "malware": (("last_seen", "first_seen", False),),
    "malware-analysis": (("analysis_ended", "analysis_started", False),),
    "observed-data": (("last_observed", "first_observed", False),),
    "relationship": (("stop_time", "start_time", True),),
    "sighting": (("last_seen", "first_seen", False),),
    "threat-actor": (("last_seen", "first_seen", False),),
    "network-traffic": (("end", "start", False),),
}
