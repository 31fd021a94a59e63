"""`make run` (the README's first command) initialises a node, loads the demo and serves it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from liaison.store.database import Database
from liaison.store.models import StixObject
from tests.e2e.test_serve import _free_port

ROOT = Path(__file__).resolve().parents[2]


def _wait_for_health(url: str, process: subprocess.Popen[str]) -> httpx.Response:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, "make run exited early"
        try:
            return httpx.get(f"{url}/healthz", timeout=1)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "make run did not start serving"
            time.sleep(0.3)


def test_make_run_initialises_loads_demo_and_serves(tmp_path: Path) -> None:
    node = tmp_path / "node"
    port = _free_port()
    bin_dir = Path(sys.executable).parent
    process = subprocess.Popen(
        # -o: use this test's environment as the venv instead of (re)building one.
        ["make", "-s", "-o", f"{bin_dir}/liaison", "run", f"BIN={bin_dir}", f"NODE={node}"],
        cwd=ROOT, env={**os.environ, "LIAISON_PORT": str(port)}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        response = _wait_for_health(f"http://127.0.0.1:{port}", process)
        assert response.json()["node"] == "ottawa"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert re.search(r"admin API token \(shown once, stored hashed\): lsn_\w+", output), output
    assert f"serving on http://127.0.0.1:{port}" in output
    db = Database(f"sqlite:///{node}/liaison.db")
    with db.session() as session:
        stored_types = {row.type for row in session.query(StixObject).all()}
    db.dispose()
    assert {"indicator", "identity"} <= stored_types
