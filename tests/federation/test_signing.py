"""Object signatures: round trip, and every way a signature can be wrong names itself."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from liaison.errors import InvalidInput
from liaison.federation.keys import key_id, signing_key, verify_key
from liaison.federation.signing import (
    SIGNATURE_EXTENSION_ID,
    SignatureInvalid,
    Signer,
    b64decode,
    b64encode,
    signature_extension,
    signed_content,
    signer_of,
    verify_object,
    with_signature,
)
from liaison.stix.canonical import canonical_json
from liaison.stix.extensions import HANDLING_EXTENSION_ID, published_definitions
from tests.factories import indicator

KEY = Ed25519PrivateKey.generate()
KEYS = {key_id(KEY): verify_key(KEY.public_key())}
OTTAWA = Signer("ottawa", "ca")


def signed(obj: dict[str, Any], key: Ed25519PrivateKey = KEY) -> dict[str, Any]:
    """`obj` signed by node ottawa with `key`."""
    return with_signature(
        obj, signature_extension(obj, signing_key(key), key_id(key), "ottawa", "ca")
    )


def test_round_trip() -> None:
    obj = indicator(1)
    result = signed(obj)
    assert signer_of(result) == ("ottawa", key_id(KEY))
    assert verify_object(result, KEYS) == OTTAWA
    assert obj == indicator(1), "signing does not change its input"
    assert signed_content(result) == obj, "without the extension, the object is what was signed"


def test_signatures_are_plain_ed25519_whichever_library_makes_them() -> None:
    """libsodium signs and verifies; OpenSSL (through `cryptography`) must agree both ways, over
    the documented input: the object with its signature extension minus `signature`."""
    obj = indicator(11)
    header = {
        "extension_type": "property-extension", "node": "ottawa", "party": "ca",
        "key_id": key_id(KEY),
    }  # fmt: skip
    message = canonical_json(obj | {"extensions": {SIGNATURE_EXTENSION_ID: header}})
    by_sodium = signed(obj)["extensions"][SIGNATURE_EXTENSION_ID]["signature"]
    KEY.public_key().verify(b64decode(by_sodium), message)
    by_openssl = b64encode(KEY.sign(message))
    assert by_openssl == by_sodium, "Ed25519 signatures are deterministic (RFC 8032)"
    extension = header | {"signature": by_openssl}
    assert verify_object(with_signature(obj, extension), KEYS) == OTTAWA


@pytest.mark.parametrize(("field", "value"), [("party", "in"), ("node", "new-delhi")])
def test_the_signature_covers_who_vouches_for_the_object(field: str, value: str) -> None:
    tampered = copy.deepcopy(signed(indicator(12)))
    tampered["extensions"][SIGNATURE_EXTENSION_ID][field] = value
    with pytest.raises(SignatureInvalid, match="does not match the content"):
        verify_object(tampered, KEYS)


def test_tampered_other_extension() -> None:
    obj = indicator(6, extensions={HANDLING_EXTENSION_ID: {"purpose": "a"}})
    tampered = copy.deepcopy(signed(obj))
    tampered["extensions"][HANDLING_EXTENSION_ID]["purpose"] = "b"
    with pytest.raises(SignatureInvalid, match="does not match"):
        verify_object(tampered, KEYS)


def test_wrong_key_under_a_known_key_id() -> None:
    impostor = Ed25519PrivateKey.generate()
    forged = with_signature(
        indicator(7),
        signature_extension(indicator(7), signing_key(impostor), key_id(KEY), "ottawa", "ca"),
    )
    with pytest.raises(SignatureInvalid, match="does not match the content"):
        verify_object(forged, KEYS)


def test_missing_signature() -> None:
    with pytest.raises(SignatureInvalid, match="no liaison signature") as caught:
        verify_object(indicator(8), KEYS)
    assert indicator(8)["id"] in caught.value.message
    assert signer_of(indicator(8)) is None


def test_unknown_key_id() -> None:
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(SignatureInvalid, match=f"signed with unknown key {key_id(stranger)}"):
        verify_object(signed(indicator(9), stranger), KEYS)


@pytest.mark.parametrize(
    "extension",
    [
        {"node": "ottawa", "key_id": key_id(KEY)},
        {"node": 1, "key_id": key_id(KEY), "signature": "AAAA"},
        "not an object",
    ],
)
def test_malformed_signature(extension: Any) -> None:
    obj = indicator(10, extensions={SIGNATURE_EXTENSION_ID: extension})
    with pytest.raises(SignatureInvalid, match="signature"):
        verify_object(obj, KEYS)


def test_garbage_signature_bytes() -> None:
    obj = signed(indicator(11))
    obj["extensions"][SIGNATURE_EXTENSION_ID]["signature"] = "AAAA"
    with pytest.raises(SignatureInvalid, match="does not match"):
        verify_object(obj, KEYS)


def test_signature_invalid_is_invalid_input() -> None:
    assert issubclass(SignatureInvalid, InvalidInput)
    assert SignatureInvalid.status == 400


def test_extension_definition_is_published() -> None:
    definitions = {d["id"]: d for d in published_definitions()}
    definition = definitions[SIGNATURE_EXTENSION_ID]
    assert definition["type"] == "extension-definition"
    assert definition["extension_types"] == ["property-extension"]
    assert definition["created_by_ref"] in definitions
