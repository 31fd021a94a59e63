"""Checkers for the value formats STIX 2.1 borrows from other standards.

IP addresses and CIDR blocks (via the standard `ipaddress` module), domain names (RFC 1034 with
RFC 5890 internationalised labels), URIs (RFC 3986), e-mail addresses (RFC 5322 addr-spec),
language tags (RFC 5646), CPE 2.3 names, IANA character sets and Windows registry keys. Each
function is a `Checker`: None when the value is valid, otherwise one line saying why not. All
patterns are compiled once, at import.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from liaison.stix.charsets import IANA_CHARSETS

_IPV4_PREFIX_RE = re.compile(r"3[0-2]|[12]?[0-9]")
_IPV6_PREFIX_RE = re.compile(r"12[0-8]|1[01][0-9]|[1-9]?[0-9]")


def _ip_value(
    version: str, parse: Callable[[str], object], prefix_re: re.Pattern[str], bits: int
) -> Callable[[object], str | None]:
    def check(v: object) -> str | None:
        if not isinstance(v, str):
            return "must be a string"
        address, slash, prefix = v.partition("/")
        try:
            parse(address)
        except ValueError:
            return f"'{v}' is not an {version} address or CIDR block"
        if slash and prefix_re.fullmatch(prefix) is None:
            return f"'{v}' has a CIDR prefix outside /0../{bits}"
        return None

    check.__doc__ = f"An {version} address, optionally a CIDR block (`/0` to `/{bits}`)."
    return check


ipv4_value = _ip_value("IPv4", ipaddress.IPv4Address, _IPV4_PREFIX_RE, 32)
ipv6_value = _ip_value("IPv6", ipaddress.IPv6Address, _IPV6_PREFIX_RE, 128)


_HOSTNAME_RE = re.compile(
    r"(?=.{1,253}\.?\Z)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*\.?",
    re.IGNORECASE,
)


def domain_name(v: object) -> str | None:
    """A domain name: dot-separated letter-digit-hyphen labels, non-ASCII labels as IDNA allows."""
    if not isinstance(v, str):
        return "must be a string"
    ascii_form = v
    if not v.isascii():
        try:
            ascii_form = v.encode("idna").decode("ascii")
        except UnicodeError:
            return f"'{v}' is not a valid internationalised domain name"
    if _HOSTNAME_RE.fullmatch(ascii_form) is None:
        return f"'{v}' is not a domain name (labels of a-z, 0-9 and -, separated by dots)"
    return None


_URI_RE = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~!$&'()*+,;=:@/?\[\]%-]*"
    r"(?:#[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*)?"
)
_BAD_PERCENT_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def uri(v: object) -> str | None:
    """An absolute URI (RFC 3986): a scheme, then only characters a URI may hold unescaped."""
    if not isinstance(v, str):
        return "must be a string"
    if _URI_RE.fullmatch(v) is None or ("%" in v and _BAD_PERCENT_RE.search(v)):
        return f"'{v}' is not a URI (RFC 3986: scheme:rest, no spaces or unescaped specials)"
    return None


_EMAIL_RE = re.compile(r'(?:"(?:[^"\\\r\n]|\\.)*"|[^\s@"]+)@[^\s@]+')


def email_address(v: object) -> str | None:
    """An e-mail address (RFC 5322 addr-spec): local part, `@`, domain; no display name."""
    if not isinstance(v, str):
        return "must be a string"
    if _EMAIL_RE.fullmatch(v) is None:
        return f"'{v}' is not an e-mail address (local-part@domain)"
    return None


_LANGTAG = (
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4,8})"  # language, with up to three extlangs
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|[0-9]{3}))?"  # region
    r"(?:-(?:[a-z0-9]{5,8}|[0-9][a-z0-9]{3}))*"  # variants
    r"(?:-[0-9a-wyz](?:-[a-z0-9]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z0-9]{1,8})+)?"  # private use
)
_GRANDFATHERED = (
    "en-gb-oed|i-ami|i-bnn|i-default|i-enochian|i-hak|i-klingon|i-lux|i-mingo|i-navajo|i-pwn|"
    "i-tao|i-tay|i-tsu|sgn-be-fr|sgn-be-nl|sgn-ch-de|art-lojban|cel-gaulish|no-bok|no-nyn|"
    "zh-guoyu|zh-hakka|zh-min|zh-min-nan|zh-xiang"
)
_LANGUAGE_TAG_RE = re.compile(
    rf"{_LANGTAG}|x(?:-[a-z0-9]{{1,8}})+|{_GRANDFATHERED}", re.IGNORECASE | re.ASCII
)


def language_tag(v: object) -> str | None:
    """A well-formed RFC 5646 language tag such as `en`, `de-CH` or `zh-Hant-TW`."""
    if not isinstance(v, str):
        return "must be a string"
    if _LANGUAGE_TAG_RE.fullmatch(v) is None:
        return f"'{v}' is not an RFC 5646 language tag (e.g. en, en-US)"
    return None


_CPE_CHAR = r"(?:[A-Za-z0-9._-]|\\[\\*?!\"#$%&'()+,/:;<=>@\[\]^`{|}~])"
_CPE_COMPONENT = rf"(?:(?:\?*|\*?){_CPE_CHAR}+(?:\?*|\*?)|[*-])"
_CPE_LANGUAGE = r"(?:[A-Za-z]{2,3}(?:-(?:[A-Za-z]{2}|[0-9]{3}))?|[*-])"
_CPE23_RE = re.compile(
    rf"cpe:2\.3:[aho*-](?::{_CPE_COMPONENT}){{5}}:{_CPE_LANGUAGE}(?::{_CPE_COMPONENT}){{4}}"
)


def cpe23(v: object) -> str | None:
    """A CPE 2.3 formatted string: `cpe:2.3:` then part and ten components."""
    if not isinstance(v, str):
        return "must be a string"
    if _CPE23_RE.fullmatch(v) is None:
        return f"'{v}' is not a CPE 2.3 formatted string (cpe:2.3:part:vendor:product:…)"
    return None


def charset(v: object) -> str | None:
    """A character set name from the IANA registry (preferred MIME name, else Name)."""
    if not isinstance(v, str):
        return "must be a string"
    if v.lower() not in IANA_CHARSETS:
        return f"'{v}' is not an IANA character set name (e.g. UTF-8, ISO-8859-1)"
    return None


_ABBREVIATED_HIVES = frozenset({"HKLM", "HKCU", "HKCR", "HKCC", "HKU"})


def registry_key(v: object) -> str | None:
    """A full Windows registry key whose hive is spelled out (HKEY_LOCAL_MACHINE, not HKLM)."""
    if not isinstance(v, str):
        return "must be a string"
    hive = v.split("\\", 1)[0].upper()
    if hive in _ABBREVIATED_HIVES:
        return f"'{v}' abbreviates the hive '{hive}'; spell it out (e.g. HKEY_LOCAL_MACHINE)"
    return None
