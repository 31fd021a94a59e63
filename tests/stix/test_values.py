"""Value-format checkers (liaison.stix.values) against the checks stix2-validator relies on."""

from __future__ import annotations

import idna
import pytest
from rfc3986_validator import validate_rfc3986
from stix2validator.v21 import enums

from liaison.stix import values
from liaison.stix.checks import Checker

GOOD = [
    (values.ipv4_value, "198.51.100.7"),
    (values.ipv4_value, "198.51.100.0/24"),
    (values.ipv4_value, "0.0.0.0/0"),
    (values.ipv6_value, "2001:db8::7"),
    (values.ipv6_value, "2001:db8::/32"),
    (values.ipv6_value, "::ffff:198.51.100.7"),
    (values.domain_name, "c2.example.com"),
    (values.domain_name, "Example.COM."),
    (values.domain_name, "bücher.example"),
    (values.uri, "https://c2.example.com/gate.php?a=1&b=%2F#top"),
    (values.uri, "http://[2001:db8::7]:8080/"),
    (values.uri, "urn:isbn:0451450523"),
    (values.email_address, "sender@example.com"),
    (values.email_address, '"john doe"@example.com'),
    (values.language_tag, "en"),
    (values.language_tag, "zh-Hant-TW"),
    (values.language_tag, "es-419"),
    (values.language_tag, "de-CH-1901"),
    (values.cpe23, "cpe:2.3:a:acme:acmebrowser:1.0:*:*:*:*:*:*:*"),
    (values.cpe23, "cpe:2.3:o:microsoft:windows_10:1607:*:*:en-us:*:*:x64:*"),
    (values.charset, "UTF-8"),
    (values.charset, "windows-1252"),
    (values.registry_key, "HKEY_LOCAL_MACHINE\\Software\\Acme"),
]
BAD = [
    (values.ipv4_value, "256.51.100.7"),
    (values.ipv4_value, "198.51.100.0/33"),
    (values.ipv4_value, "198.51.100.0/255.255.255.0"),
    (values.ipv4_value, "01.2.3.4"),
    (values.ipv6_value, "2001:db8::zz"),
    (values.ipv6_value, "2001:db8::/129"),
    (values.domain_name, "c2 example com"),
    (values.domain_name, "_dmarc.example.com"),
    (values.domain_name, "-lead.example.com"),
    (values.domain_name, "a..b"),
    (values.uri, "c2.example.com/gate.php"),
    (values.uri, "http://a/b c"),
    (values.uri, "http://a/%zz"),
    (values.email_address, "sender.example.com"),
    (values.email_address, "a b@example.com"),
    (values.language_tag, "en_US"),
    (values.language_tag, ""),
    (values.language_tag, "en--US"),
    (values.cpe23, "cpe:/a:acme:acmebrowser:1.0"),
    (values.cpe23, "cpe:2.3:a:acme"),
    (values.charset, "utf 8!"),
    (values.charset, "latin1"),
    (values.registry_key, "HKLM\\Software\\Acme"),
    (values.registry_key, "hkcu\\Software"),
]


@pytest.mark.parametrize(("check", "value"), GOOD, ids=[v for _, v in GOOD])
def test_accepts(check: Checker, value: str) -> None:
    assert check(value) is None


@pytest.mark.parametrize(("check", "value"), BAD, ids=[v for _, v in BAD])
def test_rejects_with_the_value_named(check: Checker, value: str) -> None:
    problem = check(value)
    assert problem
    assert repr(value)[1:-1] in problem or value in problem


@pytest.mark.parametrize(
    "check",
    [values.ipv4_value, values.domain_name, values.uri, values.language_tag, values.charset],
)
def test_non_strings_are_rejected(check: Checker) -> None:
    assert check(42) == "must be a string"


@pytest.mark.parametrize("value", [v for check, v in GOOD + BAD if check is values.uri], ids=str)
def test_uri_agrees_with_rfc3986(value: str) -> None:
    assert (values.uri(value) is None) == (validate_rfc3986(value, rule="URI") is not None)


def _idna_ok(value: str) -> bool:
    try:
        idna.encode(value)
    except idna.IDNAError:
        return False
    return True


@pytest.mark.parametrize(
    "value", [v for check, v in GOOD + BAD if check is values.domain_name], ids=str
)
def test_domain_name_agrees_with_idna(value: str) -> None:
    assert (values.domain_name(value) is None) == _idna_ok(value)


def test_every_language_code_stix2_validator_knows_is_well_formed() -> None:
    codes = [*enums.LANG_CODES, *enums.SOFTWARE_LANG_CODES]
    assert [code for code in codes if values.language_tag(code)] == []


def test_charsets_are_stix2_validators_iana_list() -> None:
    assert [name for name in enums.char_sets() if values.charset(name)] == []
