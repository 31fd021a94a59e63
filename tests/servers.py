"""Running `liaison serve` as a real process for a test, on 127.0.0.1."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx


def wait_until_healthy(
    url: str, process: subprocess.Popen[Any] | None = None, *, timeout: float = 20
) -> httpx.Response:
    """The first answer of `url`/healthz, waiting up to `timeout` s (failing if `process` dies)."""
    deadline = time.monotonic() + timeout
    while True:
        assert process is None or process.poll() is None, "the server exited during start-up"
        try:
            return httpx.get(f"{url}/healthz", timeout=1)
        except httpx.TransportError:
            assert time.monotonic() < deadline, f"{url} did not start serving"
            time.sleep(0.2)


@contextmanager
def served(directory: Path, port: int, *, timeout: float = 20) -> Iterator[str]:
    """Serve the node in `directory` on `port` for the block; yields its base URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "liaison", "serve", "--dir", str(directory), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, server, timeout=timeout)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
