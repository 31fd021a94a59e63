"""`liaison serve` over mutual TLS as a real process: a client certificate is required.

The test makes its own private CA, a server certificate for 127.0.0.1 (IP subject alternative
name) and a client certificate with `cryptography`, as docs/tls.md does with openssl.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from typer.testing import CliRunner

from liaison.cli import app
from liaison.errors import ConfigError
from liaison.node import initialise_node
from tests.cli.test_cli import liaison
from tests.ports import free_port

NOW = dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Pki:
    """Paths of the PEM files the test made."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Liaison test"),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])  # fmt: skip


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    extensions: list[x509.ExtensionType],
) -> x509.Certificate:
    issuer_name, issuer_key = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - dt.timedelta(minutes=5))
        .not_valid_after(NOW + dt.timedelta(days=1))
    )
    for extension in extensions:
        builder = builder.add_extension(
            extension, critical=isinstance(extension, x509.BasicConstraints)
        )
    return builder.sign(issuer_key, hashes.SHA256())


def _write(path: Path, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey | None) -> Path:
    path.with_suffix(".crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    if key is not None:
        path.with_suffix(".key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return path.with_suffix(".crt")


def _leaf(
    directory: Path, name: str, ca: tuple[x509.Name, ec.EllipticCurvePrivateKey], usage: x509.ObjectIdentifier,
    alt_names: list[x509.GeneralName],
) -> Path:  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = _certificate(name, key, ca, [
        x509.BasicConstraints(ca=False, path_length=None),
        x509.ExtendedKeyUsage([usage]),
        x509.SubjectAlternativeName(alt_names),
    ])  # fmt: skip
    return _write(directory / name, cert, key)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """A private CA, a server certificate for 127.0.0.1 and a client certificate."""
    directory = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_cert = _certificate("Liaison test CA", ca_key, None, [
        x509.BasicConstraints(ca=True, path_length=0),
        x509.KeyUsage(
            digital_signature=False, content_commitment=False, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
            encipher_only=False, decipher_only=False,
        ),
    ])  # fmt: skip
    ca = (ca_cert.subject, ca_key)
    server = _leaf(directory, "server", ca, ExtendedKeyUsageOID.SERVER_AUTH,
                   [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])  # fmt: skip
    client = _leaf(directory, "client", ca, ExtendedKeyUsageOID.CLIENT_AUTH,
                   [x509.DNSName("new-delhi.liaison.example")])  # fmt: skip
    return Pki(
        ca=_write(directory / "ca", ca_cert, None),
        server_cert=server, server_key=server.with_suffix(".key"),
        client_cert=client, client_key=client.with_suffix(".key"),
    )  # fmt: skip


def _context(pki: Pki, *, with_client_cert: bool) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki.ca))
    if with_client_cert:
        context.load_cert_chain(pki.client_cert, pki.client_key)
    return context


def _wait_for_https(url: str, context: ssl.SSLContext) -> httpx.Response:
    deadline = time.monotonic() + 20
    while True:
        try:
            return httpx.get(url, verify=context, timeout=2)
        except httpx.ConnectError:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)


def test_mutual_tls_requires_a_client_certificate(tmp_path: Path, pki: Pki) -> None:
    node = tmp_path / "node"
    liaison("init", "--dir", str(node), "--node-name", "ottawa", "--party", "ca", "--json")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve", "--dir", str(node), "--port", str(port),
         "--tls-cert", str(pki.server_cert), "--tls-key", str(pki.server_key),
         "--tls-client-ca", str(pki.ca)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = f"https://127.0.0.1:{port}/healthz"
        response = _wait_for_https(url, _context(pki, with_client_cert=True))
        assert response.status_code == 200 and response.json()["node"] == "ottawa"
        tls12 = _context(pki, with_client_cert=False)
        tls12.maximum_version = ssl.TLSVersion.TLSv1_2
        with pytest.raises(httpx.ConnectError):  # TLS 1.2: the handshake itself fails
            httpx.get(url, verify=tls12, timeout=5)
        with pytest.raises(httpx.TransportError):  # TLS 1.3: closed after the handshake, no answer
            httpx.get(url, verify=_context(pki, with_client_cert=False), timeout=5)
        with pytest.raises(httpx.TransportError):  # plain HTTP to a TLS port
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5)
        assert httpx.get(url, verify=_context(pki, with_client_cert=True)).status_code == 200
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=10)
    assert f"serving on https://127.0.0.1:{port}" in out and "mutual TLS" in out


def test_a_key_that_is_not_the_certificates_is_refused(tmp_path: Path, pki: Pki) -> None:
    node = tmp_path / "node"
    initialise_node(node, "ottawa", "ca")
    args = ["serve", "--dir", str(node), "--tls-cert", str(pki.server_cert)]
    result = CliRunner().invoke(app, [*args, "--tls-key", str(pki.client_key)])
    assert isinstance(result.exception, ConfigError)
    assert result.exception.message.endswith("the key does not belong to the certificate")
