"""Checkers for the structured parts of STIX 2.1 cyber-observable objects.

The predefined SCO extensions of STIX 2.1 section 6 (file, network-traffic, process and
user-account extensions), e-mail MIME parts and Windows registry values. Like the type table,
each extension is a small table: required properties, whether at least one property is needed,
and a checker per defined property.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from liaison.stix import checks as c


@dataclass(frozen=True, slots=True)
class ExtensionSpec:
    """What one predefined extension requires and how its defined properties are checked."""

    required: tuple[str, ...] = ()
    at_least_one: bool = False  # the spec's "MUST contain at least one property"
    properties: dict[str, c.Checker] = field(default_factory=dict)


_STR = c.string()
_STRS = c.strings()
_BOOL = c.boolean()
_INT = c.integer()
_COUNT = c.integer(0)
_DICT = c.dictionary()
_TS = c.timestamp()
_ADDRESS_FAMILY = c.enum(
    "AF_UNSPEC", "AF_INET", "AF_IPX", "AF_APPLETALK", "AF_NETBIOS", "AF_INET6", "AF_IRDA", "AF_BTH"
)
_START_TYPE = c.enum(
    "SERVICE_AUTO_START", "SERVICE_BOOT_START", "SERVICE_DEMAND_START", "SERVICE_DISABLED",
    "SERVICE_SYSTEM_ALERT",
)  # fmt: skip
_SERVICE_TYPE = c.enum(
    "SERVICE_KERNEL_DRIVER", "SERVICE_FILE_SYSTEM_DRIVER", "SERVICE_WIN32_OWN_PROCESS",
    "SERVICE_WIN32_SHARE_PROCESS",
)  # fmt: skip
_SERVICE_STATUS = c.enum(
    "SERVICE_CONTINUE_PENDING", "SERVICE_PAUSE_PENDING", "SERVICE_PAUSED", "SERVICE_RUNNING",
    "SERVICE_START_PENDING", "SERVICE_STOP_PENDING", "SERVICE_STOPPED",
)  # fmt: skip

PREDEFINED_EXTENSIONS: dict[str, ExtensionSpec] = {
    "archive-ext": ExtensionSpec(
        ("contains_refs",),
        properties={"contains_refs": c.refs(), "comment": _STR},
    ),
    "ntfs-ext": ExtensionSpec(
        at_least_one=True,
        properties={"sid": _STR, "alternate_data_streams": c.list_of(_DICT)},
    ),
    "pdf-ext": ExtensionSpec(
        at_least_one=True,
        properties={
            "version": _STR,
            "is_optimized": _BOOL,
            "document_info_dict": _DICT,
            "pdfid0": _STR,
            "pdfid1": _STR,
        },
    ),
    "raster-image-ext": ExtensionSpec(
        at_least_one=True,
        properties={
            "image_height": _INT,
            "image_width": _INT,
            "bits_per_pixel": _INT,
            "exif_tags": _DICT,
        },
    ),
    "windows-pebinary-ext": ExtensionSpec(
        ("pe_type",),
        properties={
            "pe_type": _STR,
            "imphash": _STR,
            "machine_hex": c.hex_string,
            "number_of_sections": _COUNT,
            "time_date_stamp": _TS,
            "pointer_to_symbol_table_hex": c.hex_string,
            "number_of_symbols": _COUNT,
            "size_of_optional_header": _COUNT,
            "characteristics_hex": c.hex_string,
            "file_header_hashes": c.hashes(),
            "optional_header": _DICT,
            "sections": c.list_of(_DICT),
        },
    ),
    "http-request-ext": ExtensionSpec(
        ("request_method", "request_value"),
        properties={
            "request_method": _STR,
            "request_value": _STR,
            "request_version": _STR,
            "request_header": _DICT,
            "message_body_length": _COUNT,
            "message_body_data_ref": c.ref("artifact"),
        },
    ),
    "icmp-ext": ExtensionSpec(
        ("icmp_type_hex", "icmp_code_hex"),
        properties={"icmp_type_hex": c.hex_string, "icmp_code_hex": c.hex_string},
    ),
    "socket-ext": ExtensionSpec(
        ("address_family",),
        properties={
            "address_family": _ADDRESS_FAMILY,
            "is_blocking": _BOOL,
            "is_listening": _BOOL,
            "options": _DICT,
            "socket_type": c.enum(
                "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOCK_RDM", "SOCK_SEQPACKET"
            ),
            "socket_descriptor": _COUNT,
            "socket_handle": _INT,
        },
    ),
    "tcp-ext": ExtensionSpec(
        at_least_one=True,
        properties={"src_flags_hex": c.hex_string, "dst_flags_hex": c.hex_string},
    ),
    "windows-process-ext": ExtensionSpec(
        at_least_one=True,
        properties={
            "aslr_enabled": _BOOL,
            "dep_enabled": _BOOL,
            "priority": _STR,
            "owner_sid": _STR,
            "window_title": _STR,
            "startup_info": _DICT,
            "integrity_level": c.enum("low", "medium", "high", "system"),
        },
    ),
    "windows-service-ext": ExtensionSpec(
        at_least_one=True,
        properties={
            "service_name": _STR,
            "descriptions": _STRS,
            "display_name": _STR,
            "group_name": _STR,
            "start_type": _START_TYPE,
            "service_dll_refs": c.refs("file"),
            "service_type": _SERVICE_TYPE,
            "service_status": _SERVICE_STATUS,
        },
    ),
    "unix-account-ext": ExtensionSpec(
        at_least_one=True,
        properties={"gid": _INT, "groups": _STRS, "home_dir": _STR, "shell": _STR},
    ),
}


def predefined_extension_problem(name: str, body: dict[str, object]) -> str | None:
    """Why `body` is not a valid predefined extension `name`, or None (also for unknown names)."""
    spec = PREDEFINED_EXTENSIONS.get(name)
    if spec is None:
        return None
    for required in spec.required:
        if required not in body:
            return f"'{name}' needs '{required}'"
    properties = spec.properties
    if spec.at_least_one and not any(key in properties for key in body):
        return f"'{name}' needs at least one of {', '.join(properties)}"
    for key, value in body.items():
        checker = properties.get(key)
        problem = checker(value) if checker is not None else None
        if problem:
            return f"'{name}'.{key} {problem}"
    return None


_BODY_RAW_REF = c.ref("artifact", "file")


def mime_part(v: object) -> str | None:
    """One MIME part of a multipart e-mail: exactly one of body or body_raw_ref."""
    if not isinstance(v, dict):
        return "must be an object"
    if ("body" in v) == ("body_raw_ref" in v):
        return "a MIME part needs exactly one of 'body' or 'body_raw_ref'"
    for key in ("body", "content_type", "content_disposition"):
        if key in v and not isinstance(v[key], str):
            return f"'{key}' must be a string"
    if "body_raw_ref" in v:
        return _BODY_RAW_REF(v["body_raw_ref"])
    return None


_REGISTRY_DATA_TYPE = c.enum(
    "REG_NONE", "REG_SZ", "REG_EXPAND_SZ", "REG_BINARY", "REG_DWORD", "REG_DWORD_BIG_ENDIAN",
    "REG_DWORD_LITTLE_ENDIAN", "REG_LINK", "REG_MULTI_SZ", "REG_RESOURCE_LIST",
    "REG_FULL_RESOURCE_DESCRIPTION", "REG_RESOURCE_REQUIREMENTS_LIST", "REG_QWORD",
    "REG_INVALID_TYPE",
)  # fmt: skip


def registry_value(v: object) -> str | None:
    """One Windows registry value: name and data strings, data_type a REG_* constant."""
    if not isinstance(v, dict) or not v:
        return "must be a non-empty object"
    for key in ("name", "data"):
        if key in v and not isinstance(v[key], str):
            return f"'{key}' must be a string"
    if "data_type" in v:
        problem = _REGISTRY_DATA_TYPE(v["data_type"])
        if problem:
            return f"data_type {problem}"
    return None
