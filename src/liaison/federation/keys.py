"""The node's Ed25519 key: generated once at `liaison init`, stored with mode 0600."""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from nacl.signing import SigningKey, VerifyKey

from liaison.errors import ConfigError


def generate_key(path: Path) -> Ed25519PrivateKey:
    """Create a fresh key at `path` (PEM, PKCS#8), readable only by its owner; never overwrite."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise ConfigError(f"{path} already exists; refusing to overwrite a node key") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def load_key(path: Path) -> Ed25519PrivateKey:
    """Read the node key, refusing one that others can read."""
    try:
        mode = path.stat().st_mode & 0o777
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"node key {path} not found") from None
    if mode & 0o077:
        raise ConfigError(f"node key {path} is readable by others (mode {mode:o}); chmod 600 it")
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path} is not an Ed25519 private key")
    return key


def signing_key(key: Ed25519PrivateKey) -> SigningKey:
    """The same key for libsodium, which signs objects faster than OpenSSL."""
    return SigningKey(
        key.private_bytes(
            serialization.Encoding.Raw,
            serialization.PrivateFormat.Raw,
            serialization.NoEncryption(),
        )
    )


def verify_key(public: Ed25519PublicKey) -> VerifyKey:
    """The same public key for libsodium, which verifies signatures twice as fast as OpenSSL."""
    return VerifyKey(
        public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )


def public_key_text(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """The raw 32-byte public key in base64url, the form peers exchange."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short stable id of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]
