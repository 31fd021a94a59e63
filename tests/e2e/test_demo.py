"""`liaison demo --json`: two federated nodes come up, print how to reach them, and stop cleanly."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx
import orjson

from liaison.demo.data import PILLAR_COLLECTIONS
from tests.ports import free_ports

TAXII = "application/taxii+json;version=2.1"


def test_demo_json_describes_two_running_nodes_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_ports(2)
    process = subprocess.Popen(
        [sys.executable, "-m", "liaison", "demo", "--dir", str(tmp_path / "demo"),
         "--port-base", str(port), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        nodes = orjson.loads(process.stdout.readline())["nodes"]
        assert set(nodes) == {"ottawa", "new-delhi"}
        assert nodes["ottawa"]["url"] == f"http://127.0.0.1:{port}"
        assert nodes["new-delhi"]["party"] == "in"
        for node in nodes.values():
            assert set(node["collections"]) == set(PILLAR_COLLECTIONS)
            assert Path(node["dir"], "liaison.toml").exists()
            listed = httpx.get(
                f"{node['url']}/taxii2/api/collections/",
                headers={"Authorization": f"Bearer {node['token']}", "Accept": TAXII},
            )
            assert listed.status_code == 200
            titles = {c["title"]: c["id"] for c in listed.json()["collections"]}
            for pillar, collection_id in node["collections"].items():
                assert titles[pillar] == collection_id
            basic = httpx.get(
                f"{node['url']}/taxii2/", auth=(node["user"], node["password"]),
                headers={"Accept": TAXII},
            )  # fmt: skip
            assert basic.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        assert process.stdout is not None
        process.stdout.close()
    for node_port in (port, port + 1):
        try:
            httpx.get(f"http://127.0.0.1:{node_port}/healthz", timeout=1)
        except httpx.TransportError:
            continue
        raise AssertionError(f"port {node_port} still answers after the demo stopped")
