"""CLI of the demo: `liaison demo load`."""

from __future__ import annotations

from typing import Annotated

import typer

from liaison.console import DirOption, JsonOption, emit_json, node_store, stdout
from liaison.demo.data import demo_objects
from liaison.stix.tlp import Tlp
from liaison.store.objects import Origin
from liaison.store.transfer import import_objects

demo_app = typer.Typer(help="Synthetic demonstration data.", no_args_is_help=True)


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
                default_tlp=Tlp.AMBER_STRICT,
            )  # fmt: skip
            loaded[name] = {"added": result.added, "duplicates": result.duplicates}
    if json_output:
        emit_json({"collections": loaded})
        return
    for name, counts in loaded.items():
        stdout.print(f"{name}: {counts['added']} added, {counts['duplicates']} already present")
