"""Our STIX 2.1 validator against the OASIS stix2-validator: same verdicts on the shared corpus."""

from __future__ import annotations

import json

import pytest
from stix2validator import ValidationOptions, validate_instance

from liaison.stix.validate import validate_bundle, validate_object
from tests.conftest import ATTACK_DIR
from tests.stix.corpus import BROKEN_OBJECTS, VALID_OBJECTS

# Defects stix2-validator catches that our validator does not yet check (value formats of SCOs,
# language tags, selector resolution, ...). Tracked in the node-core issue; the test below fails
# when this list drifts, so a fix must also shrink it.
KNOWN_GAPS = frozenset({
    "process-id-uuidv5",
    "email-message-no-contributing-props-uuidv5-id",
    "user-account-no-contributing-props-uuidv5-id",
    "malware-analysis-missing-result",
    "artifact-missing-payload-bin-and-url",
    "process-without-any-property",
    "x509-certificate-without-any-property",
    "malware-analysis-missing-result-and-analysis-sco-refs",
    "marking-object-marking-refs-self",
    "observed-data-object-refs-to-sdo",
    "malware-analysis-sample-ref-to-domain-name",
    "lang-underscore-separator",
    "lang-empty",
    "external-reference-bad-url",
    "granular-marking-selector-not-a-property",
    "granular-marking-selector-index-out-of-range",
    "marking-granular-marking-self-reference",
    "property-name-leading-digit",
    "property-name-leading-underscore",
    "indicator-pattern-bad-object-type",
    "language-content-contents-bad-language-key",
    "language-content-contents-bad-property-name",
    "tlp2-extensions-custom-ext-key",
    "ipv4-addr-value-octet-256",
    "ipv4-addr-value-cidr-33",
    "ipv4-addr-value-three-octets",
    "ipv4-addr-value-ipv6-value",
    "ipv4-addr-value-empty",
    "ipv6-addr-value-bad-hex",
    "ipv6-addr-value-ipv4",
    "ipv6-addr-value-prefix-129",
    "domain-name-value-with-spaces",
    "url-value-not-a-uri",
    "email-addr-value-no-at-sign",
    "directory-path-enc-invalid",
    "file-name-enc-invalid",
    "file-archive-ext-missing-contains-refs",
    "artifact-encryption-algorithm-bad",
    "artifact-decryption-key-without-algorithm",
    "network-traffic-is-active-with-end",
    "network-traffic-http-ext-missing-request-value",
    "network-traffic-socket-ext-bad-address-family",
    "process-windows-service-ext-bad-start-type",
    "software-cpe-malformed",
    "software-languages-underscore-separator",
    "windows-registry-key-hive-abbreviation",
    "windows-registry-key-value-bad-data-type",
    "email-message-mime-part-missing-body",
})  # fmt: skip


# Cross-property rules where our message names the other property of the pair.
OTHER_FIELD_NAMED = frozenset({
    "type-mismatch-with-schema", "sco-type-mismatch-with-id",
    "observed-data-embedded-missing-objects", "observed-data-objects-and-object-refs",
    "location-missing-country-only-locator", "location-latitude-without-longitude",
    "tlp2-marking-missing-extensions", "marking-definition-type-tlp-non-canonical",
})  # fmt: skip


@pytest.mark.parametrize("obj", VALID_OBJECTS, ids=lambda o: o["id"])
def test_valid_corpus_is_accepted_by_both(obj: dict) -> None:
    assert validate_object(obj) == []
    assert validate_instance(obj, ValidationOptions(version="2.1")).is_valid


def test_broken_corpus_is_rejected_apart_from_known_gaps() -> None:
    accepted = {name for name, _field, obj in BROKEN_OBJECTS if not validate_object(obj)}
    assert accepted == KNOWN_GAPS
    assert len(BROKEN_OBJECTS) - len(KNOWN_GAPS) >= 200


@pytest.mark.parametrize(
    ("name", "field", "obj"), BROKEN_OBJECTS, ids=[c[0] for c in BROKEN_OBJECTS]
)
def test_problem_names_object_and_field(name: str, field: str, obj: dict) -> None:
    if name in KNOWN_GAPS:
        return
    problems = validate_object(obj)
    assert problems
    if name in OTHER_FIELD_NAMED:
        return
    assert any(p.field == field for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize("name", ["ics-attack-18.1.json", "mobile-attack-17.1.json"])
def test_attack_bundles_valid_for_both(name: str) -> None:
    bundle = json.loads((ATTACK_DIR / name).read_text())
    assert validate_bundle(bundle) == []
    assert validate_instance(bundle, ValidationOptions(version="2.1")).is_valid
