"""CLI of the demo: `liaison demo` (two federated nodes) and `liaison demo load` (one node's data)."""

from __future__ import annotations

import signal
import time
from typing import Annotated, Any

import typer

from liaison.config import resolve_dir
from liaison.console import DirOption, JsonOption, emit_json, node_store, stdout
from liaison.demo.data import demo_objects
from liaison.demo.twonodes import prepare_demo, running_demo
from liaison.stix.tlp import Tlp
from liaison.store.objects import Origin
from liaison.store.transfer import import_objects

POLL_SECONDS = 0.2
"""How often the running demo looks whether a stop was requested."""

demo_app = typer.Typer(help="Synthetic demonstration data and the two-node demo.")


def _print_nodes(nodes: dict[str, Any]) -> None:
    for name, node in nodes.items():
        stdout.print(f"[bold]{name}[/bold] (party {node['party']}): {node['url']}/taxii2/")
        stdout.print(f"  officer {node['user']}  password {node['password']}", highlight=False)
        stdout.print(f"  token {node['token']}", highlight=False)
        stdout.print(f"  node directory {node['dir']}", highlight=False)
    stdout.print("Both nodes are running and syncing from each other; Ctrl-C stops them.")


class _StopRequest:
    """Set by Ctrl-C or SIGTERM, so that the demo shuts its nodes down cleanly.

    The handler only sets a flag: a signal handler runs in the main thread between two
    bytecodes, and one that took a lock (as `threading.Event.set` does) could deadlock with the
    main thread holding that same lock in `Event.wait`.
    """

    def __init__(self) -> None:
        self.requested = False
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, self._request)

    def _request(self, _signum: int, _frame: object) -> None:
        self.requested = True

    def wait(self) -> None:
        """Return once a stop is requested."""
        while not self.requested:
            time.sleep(POLL_SECONDS)


@demo_app.callback(invoke_without_command=True)
def demo(
    context: typer.Context,
    port_base: Annotated[
        int, typer.Option("--port-base", help="Ottawa's port; New Delhi takes the next one.")
    ] = 8600,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Run Ottawa (ca) and New Delhi (in) as federated peers on 127.0.0.1 until interrupted."""
    if context.invoked_subcommand is not None:
        return
    base = resolve_dir(directory)
    nodes = prepare_demo(base, port_base)
    stop = _StopRequest()
    with running_demo(base, port_base):
        if json_output:
            emit_json({"nodes": nodes})
        else:
            _print_nodes(nodes)
        stop.wait()


@demo_app.command("load")
def load(
    peer_party: Annotated[
        str, typer.Option("--peer-party", help="Party the demo shares with.")
    ] = "in",
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Load the synthetic pillar collections (drugs, cyber, immigration-fraud); idempotent."""
    loaded = {}
    with node_store(directory) as (settings, db):
        for name, objects in demo_objects(settings.node_name, settings.party, peer_party).items():
            result = import_objects(
                db, name, objects, origin=Origin(settings.node_name, settings.party), create=True,
                default_tlp=Tlp.AMBER_STRICT, pillar=name,  # named after their pillars
            )  # fmt: skip
            loaded[name] = {"added": result.added, "duplicates": result.duplicates}
    if json_output:
        emit_json({"collections": loaded})
        return
    for name, counts in loaded.items():
        stdout.print(f"{name}: {counts['added']} added, {counts['duplicates']} already present")
