"""`liaison sync`: pull from peers once, or keep pulling with --watch (`sync_watch`)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress, TaskID

from liaison.config import Settings
from liaison.console import DirOption, JsonOption, emit_json, node_store, progress_bar, stderr
from liaison.console import stdout as out
from liaison.errors import InvalidInput
from liaison.federation.peers import find_peer, list_peers
from liaison.federation.sync import SyncReport, sync_peer
from liaison.federation.sync_watch import watch as watch_peers
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
    db: Database, settings: Settings, peers: list[Peer], bar: Progress
) -> list[SyncReport]:
    """Sync each peer once, in order; the first failure ends the run."""
    tasks: dict[str, TaskID] = {}
    reports: list[SyncReport] = []
    for peer in peers:

        def advance(collection: str, count: int, peer_name: str = peer.name) -> None:
            label = f"{peer_name}/{collection}"
            if label not in tasks:
                tasks[label] = bar.add_task(f"syncing {label}", total=None)
            bar.advance(tasks[label], count)

        reports.append(sync_peer(db, settings, peer, progress=advance))
    return reports


def _watch(
    db: Database, settings: Settings, peers: list[Peer], interval: float, *, json_output: bool
) -> None:
    """Pull on every stream event and every `interval` s; print each pull that received objects."""

    def on_report(report: SyncReport) -> None:
        if not any(item.received for item in report.collections):
            return
        if json_output:
            emit_json({"peers": [report.as_json()], "errors": []})
        else:
            _print_report(report)

    def on_error(message: str) -> None:
        if json_output:
            emit_json({"peers": [], "errors": [message]})
        stderr.print(f"[red]error:[/red] {message}", highlight=False)

    watch_peers(db, settings, peers, interval=interval, on_report=on_report, on_error=on_error)


def sync_command(
    peer: Annotated[
        str | None, typer.Option("--peer", help="Only this peer (default: every peer).")
    ] = None,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch",
            help="Keep pulling: on every event of the peers' streams, and every --interval seconds.",
        ),
    ] = False,
    interval: Annotated[
        float,
        typer.Option(
            "--interval",
            help="Seconds between catch-up pulls with --watch (also the polling period while a stream is down).",
        ),
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
        if watch:
            _watch(db, settings, peers, interval, json_output=json_output)
            return
        with progress_bar(enabled=not json_output) as bar:
            reports = _run_once(db, settings, peers, bar)
        if json_output:
            emit_json({"peers": [report.as_json() for report in reports], "errors": []})
        else:
            for report in reports:
                _print_report(report)
