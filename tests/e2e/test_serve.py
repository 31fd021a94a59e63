"""`liaison serve` as a real process answers /healthz on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.cli.test_cli import liaison
from tests.ports import free_port


def test_serve_answers_healthz(tmp_path: Path) -> None:
    node = tmp_path / "node"
    liaison("init", "--dir", str(node), "--node-name", "ottawa", "--party", "ca", "--json")
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve", "--dir", str(node), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert response.json()["node"] == "ottawa"
    finally:
        server.terminate()
        server.wait(timeout=10)
