"""`liaison network …`: trafficking-network analysis of what this node's party may see."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from liaison.access.visibility import Viewer
from liaison.audit.log import LOCAL_ACTOR
from liaison.console import DirOption, JsonOption, emit_json, node_store, stderr, stdout
from liaison.networks import service
from liaison.networks.centrality import DEFAULT_DELTA, MAX_PIVOTS
from liaison.networks.dismantle import DEFAULT_STEPS
from liaison.networks.export import Format, export_network
from liaison.networks.graph import Network
from liaison.networks.paths import DEFAULT_LIMIT
from liaison.networks.reads import read_network, record_read

network_app = typer.Typer(
    help="Trafficking-network analysis: key players, cuts, communities, routes, export.",
    no_args_is_help=True,
)

CollectionOption = Annotated[
    list[str] | None,
    typer.Option("--collection", "-c", help="Collection name or id (repeatable; default: all "
                 "this party may read)."),
]  # fmt: skip
SourcesOption = Annotated[
    list[str], typer.Option("--sources", help="Supplier STIX ids, comma-separated (repeatable).")
]
TargetsOption = Annotated[
    list[str], typer.Option("--targets", help="Market STIX ids, comma-separated (repeatable).")
]
SeedOption = Annotated[
    int, typer.Option("--seed", min=0, max=2**31 - 1, help="Seed of the randomised algorithms.")
]
Answer = TypeVar("Answer")


def _analyse(
    directory: Path | None,
    collections: list[str] | None,
    quiet: bool,
    audited: tuple[str, Mapping[str, Any]],
    analysis: Callable[[Network], Answer],
) -> Answer:
    """Build the network the node's party may see and run `analysis` on it, showing progress;
    then record the read (`audited`: the analysis's name and parameters) as the local actor."""
    with node_store(directory) as (settings, db):
        viewer = Viewer(LOCAL_ACTOR, settings.party)
        with db.session() as session, _stage("reading the network…", quiet):
            read = read_network(session, viewer, collections or [])
        with _stage("analysing…", quiet):
            answer = analysis(read.network)
        name, parameters = audited
        record_read(db, LOCAL_ACTOR, settings.party, name, read, parameters)
        return answer


def _stage(text: str, quiet: bool) -> AbstractContextManager[Any]:
    """A spinner on stderr naming the work in progress (none when the output is JSON)."""
    return nullcontext() if quiet else stderr.status(text, spinner="dots")


def _print(table: Table) -> None:
    """Print `table` whole (ids are copied from it), wider than the terminal if need be."""
    natural = Measurement.get(stdout, stdout.options.update_width(10_000), table).maximum
    (stdout if natural <= stdout.width else Console(width=natural, soft_wrap=True)).print(table)


def _actor_cells(actor: dict[str, Any]) -> tuple[str, str, str]:
    return actor["id"], actor["type"], actor["name"]


@network_app.command("keyplayers")
def keyplayers_command(
    collection: CollectionOption = None,
    top: Annotated[int, typer.Option("--top", help="How many players to list.")] = 20,
    steps: Annotated[int, typer.Option("--steps", help="Dismantling removals.")] = DEFAULT_STEPS,
    pivots: Annotated[
        int | None,
        typer.Option("--pivots", min=1, max=MAX_PIVOTS, help="Betweenness pivots on large graphs."),
    ] = None,
    epsilon: Annotated[
        float | None,
        typer.Option("--epsilon", help="Wanted betweenness error bound (sets pivots)."),
    ] = None,
    delta: Annotated[
        float, typer.Option("--delta", help="The bound holds with probability 1 - delta.")
    ] = DEFAULT_DELTA,
    seed: SeedOption = 0,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Key players: degree, k-core, betweenness (exact or sampled with a bound), dismantling order."""
    parameters = {
        "top": top, "steps": steps, "pivots": pivots, "epsilon": epsilon, "delta": delta,
        "seed": seed,
    }  # fmt: skip
    answer = _analyse(directory, collection, json_output, ("keyplayers", parameters),
                      lambda network: service.key_players(
        network, top=top, steps=steps, pivots=pivots, epsilon=epsilon, delta=delta, seed=seed,
    ))  # fmt: skip
    if json_output:
        emit_json(answer)
        return
    method = answer["betweenness"]
    bound = (f", ±{method['normalised_error']:.4f} normalised with probability "
             f"{1 - method['delta']:.2f}, {method['pivots']} pivots"
             if method["method"] == "sampled" else "")  # fmt: skip
    title = f"Key players ({answer['vertices']} vertices, betweenness {method['method']}{bound})"
    table = Table("id", "type", "name", "degree", "k-core", "betweenness (normalised)", title=title)
    for player in answer["players"]:
        table.add_row(*_actor_cells(player), str(player["degree"]), str(player["coreness"]),
                      f"{player['betweenness_normalised']:.4f}")  # fmt: skip
    _print(table)
    dismantling = answer["dismantling"]
    order = Table("step", "removed", "type", "name", "largest component",
                  title=f"Dismantling order ({dismantling['heuristic']}; largest component "
                        f"{dismantling['largest_component']} before)")  # fmt: skip
    for number, step in enumerate(dismantling["steps"], 1):
        order.add_row(str(number), *_actor_cells(step), str(step["largest_component"]))
    _print(order)


@network_app.command("cut")
def cut_command(
    sources: SourcesOption,
    targets: TargetsOption,
    collection: CollectionOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """The minimum vertex cut: the fewest actors whose removal disconnects sources from targets."""
    ends = {"sources": service.split_ids(sources), "targets": service.split_ids(targets)}
    answer = _analyse(directory, collection, json_output, ("cut", ends),
                      lambda network: service.minimum_cut(network, **ends))  # fmt: skip
    if json_output:
        emit_json(answer)
        return
    if answer["already_disconnected"]:
        stdout.print("the sources and targets are already disconnected: nothing to cut")
        return
    table = Table("id", "type", "name", title=f"Minimum vertex cut: {answer['size']} actors")
    for actor in answer["actors"]:
        table.add_row(*_actor_cells(actor))
    _print(table)


@network_app.command("communities")
def communities_command(
    collection: CollectionOption = None,
    resolution: Annotated[
        float, typer.Option("--resolution", help="Modularity resolution (>1: smaller communities).")
    ] = 1.0,
    seed: SeedOption = 0,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Communities (Leiden, modularity): membership, sizes, modularity."""
    parameters = {"resolution": resolution, "seed": seed}
    answer = _analyse(directory, collection, json_output, ("communities", parameters),
                      lambda network: service.community_report(
        network, resolution=resolution, seed=seed
    ))  # fmt: skip
    if json_output:
        emit_json(answer)
        return
    table = Table("community", "size", "members (first 5)",
                  title=f"{answer['count']} communities, modularity {answer['modularity']:.3f}")  # fmt: skip
    for community in answer["communities"]:
        table.add_row(str(community["index"]), str(community["size"]),
                      ", ".join(community["members"][:5]))  # fmt: skip
    _print(table)


@network_app.command("paths")
def paths_command(
    sources: SourcesOption,
    targets: TargetsOption,
    collection: CollectionOption = None,
    limit: Annotated[int, typer.Option("--limit", help="How many routes.")] = DEFAULT_LIMIT,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """The shortest supplier-to-market routes, fewest hops first."""
    ends = {"sources": service.split_ids(sources), "targets": service.split_ids(targets)}
    answer = _analyse(directory, collection, json_output, ("paths", {**ends, "limit": limit}),
                      lambda network: service.routes(network, **ends, limit=limit))  # fmt: skip
    if json_output:
        emit_json(answer)
        return
    table = Table("hops", "route", title="Shortest routes")
    for path in answer["paths"]:
        names = " → ".join(vertex["name"] or vertex["id"] for vertex in path["vertices"])
        table.add_row(str(path["hops"]), names)
    _print(table)


@network_app.command("export")
def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[Format, typer.Option("--format", help="graphml or gexf.")] = Format.GRAPHML,
    collection: CollectionOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write the network (directed, with labels) as GraphML or GEXF 1.3."""
    size = _analyse(
        directory, collection, json_output, ("export", {"format": fmt.value, "output": str(output)}),
        lambda network: _write(network, fmt, output),
    )  # fmt: skip
    if json_output:
        emit_json({"path": str(output), "format": fmt.value, **size})
        return
    stdout.print(f"wrote {size['vertices']} vertices and {size['edges']} edges to {output}",
                 highlight=False)  # fmt: skip


def _write(network: Network, fmt: Format, output: Path) -> dict[str, int]:
    output.write_bytes(export_network(network, fmt))
    return {"vertices": network.directed.vcount(), "edges": network.directed.ecount()}
