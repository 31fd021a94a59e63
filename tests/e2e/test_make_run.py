"""`make run` (the README's first command) brings up the two-node demo and prints how to log in."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from tests.ports import free_ports
from tests.servers import wait_until_healthy

ROOT = Path(__file__).resolve().parents[2]


def test_make_run_serves_both_demo_nodes(tmp_path: Path) -> None:
    base = tmp_path / "demo"
    port = free_ports(2)
    bin_dir = Path(sys.executable).parent
    process = subprocess.Popen(
        # -o: use this test's environment as the venv instead of (re)building one.
        [
            "make", "-s", "-o", f"{bin_dir}/liaison", "run",
            f"BIN={bin_dir}", f"NODE={base}", f"PORT_BASE={port}",
        ],
        cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        ottawa = wait_until_healthy(f"http://127.0.0.1:{port}", process, timeout=90)
        new_delhi = wait_until_healthy(f"http://127.0.0.1:{port + 1}", process, timeout=90)
        assert (ottawa.json()["node"], ottawa.json()["party"]) == ("ottawa", "ca")
        assert (new_delhi.json()["node"], new_delhi.json()["party"]) == ("new-delhi", "in")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=60)  # the demo stops its nodes within ~10 s
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            raise AssertionError(f"`make run` outlived SIGTERM by 60 s:\n{output}") from None
    assert f"http://127.0.0.1:{port}/taxii2/" in output, output
    assert re.search(r"officer officer-ottawa\s+password \S{12,}", output), output
    assert re.search(r"token lsn_\w+", output), output
