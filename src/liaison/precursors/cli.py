"""`liaison screen FILE`: screen shipment records; print a table or JSON lines; share incidents.

The node's visible precursor incidents feed the linked-company rule. The first malformed record
stops the run with one line naming file, line and field; with `--share`, the incidents are stored
only after the whole file was screened, in one transaction, so a bad file stores nothing.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from liaison.access.visibility import Viewer
from liaison.audit.log import LOCAL_ACTOR
from liaison.console import (
    CaveatOption,
    DirOption,
    EvaluationOption,
    JsonOption,
    LegalBasisOption,
    PurposeOption,
    ReleasableOption,
    emit_json,
    node_store,
    stderr,
    stdout,
)
from liaison.errors import InvalidInput
from liaison.precursors.companies import linked_companies
from liaison.precursors.reference import load_reference
from liaison.precursors.screen import Screener, ScreenResult
from liaison.precursors.share import (
    SharedIncidents,
    incident_type_of,
    marking_of,
    share_incidents,
)
from liaison.precursors.shipments import FORMATS, Shipment, read_shipments
from liaison.store.objects import Origin

TABLE_ROWS = 1000
"""At most this many records are shown in the table; `--json` prints every one."""
TABLE_WIDTH = 200
PROGRESS_EVERY = 5_000


def _table(rows: list[ScreenResult]) -> Table:
    table = Table("id", "flagged", "substance", "reasons", title="screening")
    for result in rows:
        substance = result.controlled_as or result.substance
        table.add_row(
            escape(result.id), "[red]yes[/red]" if result.flagged else "no",
            escape(substance.name if substance else ""),
            escape("; ".join(f"{r.code}: {r.detail}" for r in result.reasons)),
        )  # fmt: skip
    return table


def screen_command(
    file: Annotated[Path, typer.Argument(help="Shipment records: CSV or JSON lines (.gz too).")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help=f"Input format: {', '.join(FORMATS)}.")
    ] = "auto",
    only_flagged: Annotated[
        bool, typer.Option("--only-flagged", help="Print flagged records only.")
    ] = False,
    share: Annotated[
        bool, typer.Option("--share", help="Store a precursor incident per flagged record.")
    ] = False,
    collection: Annotated[
        str | None, typer.Option("--collection", "-c", help="Collection for --share.")
    ] = None,
    incident_type: Annotated[
        str,
        typer.Option(
            "--incident-type",
            help="stopped-shipment, seizure, suspended-shipment or suspicious-order.",
        ),
    ] = "stopped-shipment",
    tlp: Annotated[str, typer.Option("--tlp", help="TLP of shared incidents.")] = "amber",
    releasable_to: ReleasableOption = None,
    purpose: PurposeOption = None,
    legal_basis: LegalBasisOption = None,
    retain_until: Annotated[
        str | None, typer.Option("--retain-until", help="YYYY-MM-DD or a timestamp.")
    ] = None,
    evaluation: EvaluationOption = None,
    caveats: CaveatOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Screen shipment records for fentanyl precursors; print each verdict with its reasons
    (one JSON line each with --json); with --share, store precursor incidents for peers."""
    if share and not collection:
        raise InvalidInput("--share needs --collection")
    kind = incident_type_of(incident_type)
    marking = (
        marking_of(tlp, releasable_to, purpose, legal_basis, retain_until, evaluation, caveats)
        if share
        else None
    )
    reference = load_reference()
    with node_store(directory) as (settings, db):
        with db.session() as session:
            linked = linked_companies(session, Viewer(LOCAL_ACTOR, settings.party))
        screener = Screener(reference, linked=linked)
        flagged: list[tuple[Shipment, ScreenResult]] = []
        shown: list[ScreenResult] = []
        records = flagged_count = 0
        started = time.perf_counter()
        bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), console=stderr,
                       disable=not stderr.is_terminal, transient=True)  # fmt: skip
        with bar:
            task = bar.add_task("screening", total=None)
            for shipment, result in screener.screen_all(read_shipments(file, fmt)):
                records += 1
                if records % PROGRESS_EVERY == 0:
                    bar.update(task, description=f"screening: {records:,} records")
                if result.flagged:
                    flagged_count += 1
                    if share:
                        flagged.append((shipment, result))
                if only_flagged and not result.flagged:
                    continue
                if json_output:
                    emit_json(result.as_json())
                elif len(shown) < TABLE_ROWS:
                    shown.append(result)
        elapsed = time.perf_counter() - started
        shared: SharedIncidents | None = None
        if share and flagged and marking is not None and collection is not None:
            with db.session(write=True) as session:
                shared = share_incidents(
                    session, flagged, collection_name=collection,
                    origin=Origin(settings.node_name, settings.party), marking=marking,
                    incident_type=kind, reference_version=reference.version,
                    viewer=Viewer(LOCAL_ACTOR, settings.party),
                )  # fmt: skip
    _report(json_output, shown, records, flagged_count, elapsed, reference.version, shared)


def _report(
    json_output: bool, shown: list[ScreenResult], records: int, flagged: int, elapsed: float,
    version: str, shared: SharedIncidents | None,
) -> None:  # fmt: skip
    if not json_output and shown:
        # Piped output is not cut to a terminal's width: ids stay whole for grep.
        (stdout if stdout.is_terminal else Console(width=TABLE_WIDTH)).print(_table(shown))
        if len(shown) == TABLE_ROWS:
            stdout.print(f"(the table stops at {TABLE_ROWS} records; --json prints them all)")
    out = stderr if json_output else stdout
    rate = records / elapsed if elapsed > 0 else 0.0
    out.print(
        f"{records:,} records, {flagged:,} flagged; {rate:,.0f} records/s; "
        f"reference data {version}",
        highlight=False,
    )
    if shared is not None:
        out.print(
            f"shared {len(shared.incidents)} incident(s) in collection {shared.collection}: "
            f"{shared.added} objects added ({shared.objects - shared.added} already present)",
            highlight=False,
        )
