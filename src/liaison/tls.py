"""TLS for `liaison serve`: checking the certificate files and handing them to uvicorn.

Every file is loaded before the server starts, so a wrong path, a non-PEM file or a key that does
not match its certificate is one clear line, not a stack trace from inside the server.
"""

from __future__ import annotations

import ssl
from pathlib import Path
from typing import Any

from liaison.config import Settings
from liaison.errors import ConfigError

_SSL_REASONS = {
    "KEY_VALUES_MISMATCH": "the key does not belong to the certificate",
    "NO_CERTIFICATE_OR_CRL_FOUND": "no PEM certificate in it",
}


def _ssl_reason(exc: ssl.SSLError) -> str:
    reason = exc.reason or ""
    return _SSL_REASONS.get(reason, reason or "not a PEM certificate chain and its private key")


def _readable(kind: str, path: Path) -> str:
    try:
        path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{kind} {path}: {exc.strerror or exc}") from None
    return str(path)


def uvicorn_tls_arguments(settings: Settings) -> dict[str, Any]:
    """uvicorn's TLS keyword arguments, after checking that every file loads (none: plain HTTP)."""
    if settings.tls_cert is None and settings.tls_key is None:
        if settings.tls_client_ca is not None:
            raise ConfigError("tls_client_ca needs tls_cert and tls_key (mutual TLS is over TLS)")
        return {}
    if settings.tls_cert is None or settings.tls_key is None:
        raise ConfigError("tls_cert and tls_key go together: set both or neither")
    cert = _readable("TLS certificate", settings.dir / settings.tls_cert)
    key = _readable("TLS key", settings.dir / settings.tls_key)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except ssl.SSLError as exc:
        raise ConfigError(f"TLS certificate {cert} with key {key}: {_ssl_reason(exc)}") from None
    arguments: dict[str, Any] = {"ssl_certfile": cert, "ssl_keyfile": key}
    if settings.tls_client_ca is not None:
        ca = _readable("TLS client CA", settings.dir / settings.tls_client_ca)
        try:
            context.load_verify_locations(cafile=ca)
        except ssl.SSLError as exc:
            raise ConfigError(f"TLS client CA {ca}: {_ssl_reason(exc)}") from None
        arguments |= {"ssl_ca_certs": ca, "ssl_cert_reqs": ssl.CERT_REQUIRED}
    return arguments
