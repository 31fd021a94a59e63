"""`liaison serve` as a real process answers /healthz on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import liaison
from tests.ports import free_port
from tests.servers import served, wait_until_healthy


def test_serve_answers_healthz(tmp_path: Path) -> None:
    node = tmp_path / "node"
    liaison("init", "--dir", str(node), "--node-name", "ottawa", "--party", "ca", "--json")
    with served(node, free_port()) as url:
        response = wait_until_healthy(url)
    assert response.status_code == 200
    assert response.json()["node"] == "ottawa"
