"""`liaison sync`: pull from peers once, or keep pulling with --watch."""

from __future__ import annotations

import time
from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from liaison.config import Settings
from liaison.console import DirOption, JsonOption, emit_json, node_store, progress_bar, stderr
from liaison.console import stdout as out
from liaison.errors import InvalidInput, LiaisonError
from liaison.federation.peers import find_peer, list_peers
from liaison.federation.sync import SyncReport, sync_peer
from liaison.store.database import Database
from liaison.store.models import Peer


def _peers(db: Database, name: str | None) -> list[Peer]:
    with db.session() as session:
        return [find_peer(session, name)] if name else list_peers(session)


def _print_report(report: SyncReport) -> None:
    for item in report.collections:
        out.print(
            f"{report.peer}/{item.collection}: {item.received} received, {item.stored} stored, "
            f"{item.duplicates} duplicates, {len(item.rejected)} rejected",
            highlight=False,
            markup=False,
        )
        for refusal in item.rejected:
            out.print(
                f"  rejected {refusal.id} version {refusal.version}: {refusal.reason}",
                highlight=False,
                markup=False,
            )


def _run_once(
    db: Database, settings: Settings, peers: list[Peer], bar: Progress, *, watching: bool
) -> tuple[list[SyncReport], list[str]]:
    """Sync each peer; in --watch a failing peer is reported and the others go on."""
    reports: list[SyncReport] = []
    errors: list[str] = []
    tasks: dict[str, TaskID] = {}
    for peer in peers:

        def advance(collection: str, count: int, peer_name: str = peer.name) -> None:
            label = f"{peer_name}/{collection}"
            if label not in tasks:
                tasks[label] = bar.add_task(f"syncing {label}", total=None)
            bar.advance(tasks[label], count)

        try:
            reports.append(sync_peer(db, settings, peer, progress=advance))
        except LiaisonError as exc:
            if not watching:
                raise
            errors.append(exc.message)
            stderr.print(f"[red]error:[/red] {exc.message}", highlight=False)
    return reports, errors


def sync_command(
    peer: Annotated[
        str | None, typer.Option("--peer", help="Only this peer (default: every peer).")
    ] = None,
    watch: Annotated[
        bool, typer.Option("--watch", help="Keep pulling, every --interval seconds.")
    ] = False,
    interval: Annotated[
        float, typer.Option("--interval", help="Seconds between pulls with --watch.")
    ] = 5.0,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Pull every collection each peer lets us read, checking every object's signature."""
    if interval <= 0:
        raise InvalidInput("--interval must be a positive number of seconds")
    with node_store(directory) as (settings, db):
        peers = _peers(db, peer)
        if not peers:
            raise InvalidInput("no peers registered (add one with `liaison peer add`)")
        while True:
            with progress_bar(enabled=not json_output) as bar:
                reports, errors = _run_once(db, settings, peers, bar, watching=watch)
            if json_output:
                emit_json({"peers": [report.as_json() for report in reports], "errors": errors})
            else:
                for report in reports:
                    _print_report(report)
            if not watch:
                return
            time.sleep(interval)
