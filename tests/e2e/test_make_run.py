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
STOP_SECONDS = 60


def _kill_everything_under(base: Path, process: subprocess.Popen[str]) -> None:
    """Kill make's process group and the demo's nodes, which run in sessions of their own."""
    os.killpg(process.pid, signal.SIGKILL)
    subprocess.run(["pkill", "-KILL", "-f", str(base)], check=False)
    process.wait()


def test_make_run_serves_both_demo_nodes(tmp_path: Path) -> None:
    base = tmp_path / "demo"
    port = free_ports(2)
    bin_dir = Path(sys.executable).parent
    log = tmp_path / "make-run.log"
    # The output goes to a file, never a pipe: a pipe nobody reads while the nodes log would
    # block them, and an open pipe end held by a node would block the read at the end.
    with log.open("w") as output:
        process = subprocess.Popen(
            # -o: use this test's environment as the venv instead of (re)building one.
            [
                "make", "-s", "-o", f"{bin_dir}/liaison", "run",
                f"BIN={bin_dir}", f"NODE={base}", f"PORT_BASE={port}",
            ],
            cwd=ROOT, text=True, stdout=output, stderr=subprocess.STDOUT,
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
            process.wait(timeout=STOP_SECONDS)  # the demo stops its nodes within ~10 s
            outlived = False
        except subprocess.TimeoutExpired:
            _kill_everything_under(base, process)
            outlived = True
    printed = log.read_text()
    assert not outlived, f"`make run` outlived SIGTERM by {STOP_SECONDS} s:\n{printed[-3000:]}"
    assert f"http://127.0.0.1:{port}/taxii2/" in printed, printed
    assert re.search(r"officer officer-ottawa\s+password \S{12,}", printed), printed
    assert re.search(r"token lsn_\w+", printed), printed
