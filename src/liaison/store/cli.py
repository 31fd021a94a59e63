"""CLI of the store: `liaison db upgrade`, `liaison import`, `liaison export`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.markup import escape

from liaison.access.release import HELD_BACK
from liaison.config import load_settings, resolve_dir
from liaison.console import (
    DirOption,
    JsonOption,
    emit_json,
    node_store,
    progress_bar,
    stderr,
    stdout,
)
from liaison.cyber.sources import source_reader
from liaison.cyber.suricata_cli import export_suricata_command
from liaison.errors import InvalidInput, ObjectProblem
from liaison.stix.timestamps import parse_timestamp_micros
from liaison.stix.tlp import parse_tlp
from liaison.store.database import Database
from liaison.store.migrate import current_revision, upgrade
from liaison.store.objects import Origin
from liaison.store.query import ObjectFilter
from liaison.store.transfer import export_bundle, import_files

db_app = typer.Typer(help="Manage the node's store.", no_args_is_help=True)
FORMAT_HELP = "stix (bundles, arrays, JSON lines), misp (MISP event JSON) or csv (IOC rows)."


@db_app.command("upgrade")
def db_upgrade(directory: DirOption = None, json_output: JsonOption = False) -> None:
    """Run the store's migrations up to the latest schema."""
    settings = load_settings(resolve_dir(directory))
    db = Database(settings.store_url)
    try:
        upgrade(db)
        revision = current_revision(db)
    finally:
        db.dispose()
    if json_output:
        emit_json({"revision": revision})
    else:
        stdout.print(f"store at schema revision {revision}")


def import_command(
    files: Annotated[list[Path], typer.Argument(help="Files in the --format given.")],
    collection: Annotated[str, typer.Option("--collection", "-c", help="Target collection.")],
    create: Annotated[
        bool, typer.Option("--create", help="Create the collection if missing.")
    ] = False,
    default_tlp: Annotated[
        str, typer.Option("--default-tlp", help="Default TLP of a collection made by --create.")
    ] = "amber+strict",
    fmt: Annotated[str, typer.Option("--format", help=FORMAT_HELP)] = "stix",
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Import STIX objects (MISP events and IOC CSV rows become STIX); each file all or nothing."""
    try:
        level = parse_tlp(default_tlp)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    dropped: dict[Path, list[ObjectProblem]] = {}
    with node_store(directory) as (settings, db), progress_bar(enabled=not json_output) as bar:
        task = bar.add_task("importing", total=None)
        reader = source_reader(fmt, db, collection, on_dropped=_warn_dropped(dropped))

        def on_file(path: Path, count: int) -> None:
            bar.reset(task, total=count, description=f"importing {path.name}")

        results = import_files(
            db, files, collection, origin=Origin(settings.node_name, settings.party), create=create,
            default_tlp=level, on_file=on_file, progress=lambda n: bar.advance(task, n),
            require_evaluation=settings.release.require_evaluation, reader=reader,
        )  # fmt: skip
    summary = [
        {"file": str(r.path), "objects": r.objects, "added": r.added, "duplicates": r.duplicates,
         "held_back": r.held_back, "dropped": [
             {"id": p.object_id, "field": p.field, "reason": p.message}
             for p in dropped.get(r.path, [])
         ]}
        for r in results
    ]  # fmt: skip
    if json_output:
        emit_json({"collection": collection, "files": summary})
        return
    for r, row in zip(results, summary, strict=True):
        invalid = len({problem.object_id for problem in dropped.get(r.path, [])})
        stdout.print(
            f"{row['file']}: {row['added']} added, {row['duplicates']} already present"
            f" ({row['objects']} objects)"
            + (f"; {row['held_back']} {HELD_BACK}" if row["held_back"] else "")
            + (f"; {invalid} invalid objects dropped" if invalid else "")
        )


def _warn_dropped(
    dropped: dict[Path, list[ObjectProblem]],
) -> Callable[[Path, list[ObjectProblem]], None]:
    def warn(path: Path, problems: list[ObjectProblem]) -> None:
        dropped[path] = problems
        for problem in problems:
            stderr.print(
                f"warning: {path}: dropped {escape(str(problem))}", highlight=False, soft_wrap=True
            )

    return warn


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(part for value in values for part in value.split(",") if part)


def export_command(
    collection: Annotated[str, typer.Option("--collection", "-c", help="Collection to export.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
    ids: Annotated[list[str], typer.Option("--id", help="Only these ids.")] = [],  # noqa: B006
    types: Annotated[list[str], typer.Option("--type", help="Only these types.")] = [],  # noqa: B006
    version: Annotated[
        str, typer.Option("--match-version", help="first, last, all or a timestamp (comma list).")
    ] = "all",
    spec_version: Annotated[
        list[str], typer.Option("--spec-version", help="Only these spec versions.")
    ] = [],  # noqa: B006
    added_after: Annotated[
        str | None, typer.Option("--added-after", help="Only objects added after this time.")
    ] = None,
    fmt: Annotated[
        str, typer.Option("--format", help="stix (a bundle) or suricata (rules, no filters).")
    ] = "stix",
    directory: DirOption = None,
) -> None:
    """Export a collection (or the part the filters select) as one STIX 2.1 bundle, or rules."""
    if fmt == "suricata":
        if ids or types or version != "all" or spec_version or added_after is not None:
            raise InvalidInput("--format suricata exports the current indicators: no filters")
        export_suricata_command(collection, output, directory)
        return
    if fmt != "stix":
        raise InvalidInput(f"unknown export format '{fmt}' (use stix or suricata)")
    after = None
    if added_after is not None:
        try:
            after = parse_timestamp_micros(added_after)
        except ValueError as exc:
            raise InvalidInput(f"--added-after: {exc}") from None
    flt = ObjectFilter(
        ids=_split(ids), types=_split(types), versions=_split([version]),
        spec_versions=_split(spec_version), added_after=after,
    )  # fmt: skip
    with node_store(directory) as (_settings, db):
        bundle = export_bundle(db, collection, flt)
    data = orjson.dumps(bundle, option=orjson.OPT_INDENT_2) + b"\n"
    if output is None:
        typer.echo(data.decode(), nl=False)
    else:
        output.write_bytes(data)
        stdout.print(f"wrote {len(bundle['objects'])} objects to {output}", highlight=False)
