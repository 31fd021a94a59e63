"""`liaison serve` TLS settings: HTTPS URLs and one clear error per unusable file (in-process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from liaison.cli import app
from liaison.config import load_settings
from liaison.errors import ConfigError
from liaison.node import initialise_node

runner = CliRunner()


@pytest.fixture
def node(tmp_path: Path) -> Path:
    """A node on SQLite (serving never opens the store before TLS is checked)."""
    directory = tmp_path / "node"
    initialise_node(directory, "ottawa", "ca")
    return directory


def _serve_error(node: Path, *args: str) -> str:
    result = runner.invoke(app, ["serve", "--dir", str(node), *args])
    assert result.exit_code == 1
    assert isinstance(result.exception, ConfigError), result.exception
    return result.exception.message


def test_tls_settings_make_the_url_https(node: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(node).base_url == "http://127.0.0.1:8600"
    monkeypatch.setenv("LIAISON_TLS_CERT", "tls/server.crt")
    monkeypatch.setenv("LIAISON_TLS_KEY", "tls/server.key")
    settings = load_settings(node)
    assert settings.tls_cert == Path("tls/server.crt")
    assert settings.base_url == "https://127.0.0.1:8600"


def test_unusable_tls_files_are_clear_errors(node: Path, tmp_path: Path) -> None:
    missing = tmp_path / "missing.crt"
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    message = _serve_error(node, "--tls-cert", str(missing), "--tls-key", str(junk))
    assert message == f"TLS certificate {missing}: No such file or directory"
    message = _serve_error(node, "--tls-cert", str(junk), "--tls-key", str(junk))
    assert message.endswith("not a PEM certificate chain and its private key")
    assert "set both" in _serve_error(node, "--tls-cert", str(junk))
    assert "needs tls_cert" in _serve_error(node, "--tls-client-ca", str(junk))
