"""`liaison sync --watch` against two real nodes: Ottawa serves, New Delhi watches Ottawa.

Objects posted one at a time at Ottawa are visible at New Delhi well within 1.5 s (the stream
wakes the pull; the catch-up poll runs only every 5 s); with Ottawa's server down for a moment the watcher polls, and once Ottawa is
back it catches up; SIGTERM ends the watcher promptly with exit status 0.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import orjson
import pytest

from liaison.stix.tlp import Tlp
from tests.e2e.test_federation import TAXII, _collection_id, _handled
from tests.ports import free_port
from tests.servers import wait_until_healthy
from tests.twonodes import prepare_pair

pytestmark = pytest.mark.e2e
VISIBLE_WITHIN_S = 1.5


@dataclass
class Setup:
    """Both node directories, their URLs, officers' tokens, and Ottawa's server process."""

    ottawa: Path
    new_delhi: Path
    ottawa_url: str
    new_delhi_url: str
    alice: str
    bob: str
    server: subprocess.Popen[bytes]

    def start_ottawa(self) -> None:
        """(Re)start Ottawa's `liaison serve` and wait until it answers."""
        self.server = _serve(self.ottawa)
        wait_until_healthy(self.ottawa_url)


def _serve(directory: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "liaison", "serve", "--dir", str(directory)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.fixture
def setup(tmp_path: Path) -> Iterator[Setup]:
    """Ottawa and New Delhi served by their own processes, Ottawa's exchange readable by `in`."""
    ports = (free_port(), free_port())
    alice, bob = prepare_pair(tmp_path / "ottawa", tmp_path / "new-delhi", ports)
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    delhi = _serve(tmp_path / "new-delhi")
    state = Setup(tmp_path / "ottawa", tmp_path / "new-delhi", *urls, alice, bob, delhi)
    try:
        state.start_ottawa()
        wait_until_healthy(urls[1])
        yield state
    finally:
        for server in (state.server, delhi):
            server.terminate()
            server.wait(timeout=10)


def _post(setup: Setup, number: int) -> str:
    obj = _handled(number, Tlp.GREEN, releasable_to=["in"])
    exchange = _collection_id(setup.ottawa, "exchange")
    posted = httpx.post(
        f"{setup.ottawa_url}/taxii2/api/collections/{exchange}/objects/",
        headers={
            "Authorization": f"Bearer {setup.alice}",
            "Accept": TAXII,
            "Content-Type": TAXII,
        },  # fmt: skip
        content=orjson.dumps({"objects": [obj]}),
    )
    assert posted.status_code == 202, posted.text
    return str(obj["id"])


def _visible(setup: Setup, object_id: str) -> bool:
    try:
        local = _collection_id(setup.new_delhi, "exchange")
    except Exception:  # not pulled yet: the local collection is made by the first pull
        return False
    answer = httpx.get(
        f"{setup.new_delhi_url}/taxii2/api/collections/{local}/objects/{object_id}/",
        headers={"Authorization": f"Bearer {setup.bob}", "Accept": TAXII},
    )
    return answer.status_code == 200


def _wait_visible(setup: Setup, object_id: str, within: float) -> float:
    start = time.monotonic()
    while not _visible(setup, object_id):
        assert time.monotonic() - start < within, f"{object_id} not visible within {within} s"
        time.sleep(0.05)
    return time.monotonic() - start


def test_watch_pulls_on_stream_events_and_falls_back_to_polling(setup: Setup) -> None:
    watcher = subprocess.Popen(
        [sys.executable, "-m", "liaison", "sync", "--watch", "--interval", "5",
         "--dir", str(setup.new_delhi), "--json"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_visible(setup, _post(setup, 1), within=15)  # the first pull makes the collection
        time.sleep(1.0)  # let the stream open
        for number in range(2, 7):
            _wait_visible(setup, _post(setup, number), within=VISIBLE_WITHIN_S)

        setup.server.terminate()
        setup.server.wait(timeout=10)
        time.sleep(1.5)  # the stream drops; the watcher polls a peer that is down
        setup.start_ottawa()
        for number in range(7, 10):
            _wait_visible(setup, _post(setup, number), within=8)
        assert watcher.poll() is None, "the watcher ended when its peer went away"
    finally:
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=10) == 0
