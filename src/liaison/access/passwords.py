"""Passwords for HTTP Basic: stored only as salted scrypt digests (RFC 7914, stdlib hashlib).

A stored hash reads `scrypt$<log2 n>$<r>$<p>$<salt>$<digest>` (base64url), so the cost can be
raised later without breaking existing hashes. Verification compares in constant time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

LOG2_N, R, P = 15, 8, 1  # about 32 MiB and 50-100 ms per check on a server core
MIN_LENGTH = 12


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(password: str, salt: bytes, log2_n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode(), salt=salt, n=2**log2_n, r=r, p=p, maxmem=2**26, dklen=32
    )


def password_problem(password: str) -> str | None:
    """Why `password` is too weak to accept, or None."""
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    return None


def hash_password(password: str) -> str:
    """A salted scrypt hash of `password` in the self-describing stored form."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(password, salt, LOG2_N, R, P)
    return f"scrypt${LOG2_N}${R}${P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str) -> bool:
    """Whether `password` matches the stored hash (False for any malformed hash)."""
    try:
        scheme, log2_n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = _scrypt(password, _unb64(salt), int(log2_n), int(r), int(p))
    except ValueError:
        return False
    return hmac.compare_digest(computed, _unb64(digest))
