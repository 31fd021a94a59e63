"""`liaison fraud rings`: find fraud rings in an application file, print them with their reasons,
and with `--share` store each as a STIX incident at the chosen TLP and handling."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

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
    stdout,
)
from liaison.errors import InvalidInput
from liaison.fraud.loading import load_applications
from liaison.fraud.mapping import read_mapping
from liaison.fraud.pprl_release import Release
from liaison.fraud.rings import Ring, RingParams, RingReport, find_rings
from liaison.fraud.rings_share import SharedRings, share_rings
from liaison.store.objects import Origin


def read_clusters(path: Path) -> dict[str, str]:
    """`id,cluster_id` rows (the output of `liaison fraud dedupe`) as id → cluster id."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"id", "cluster_id"} <= set(reader.fieldnames):
                raise InvalidInput(f"{path}: a clusters file needs the columns id,cluster_id")
            return {row["id"]: row["cluster_id"] for row in reader}
    except OSError as exc:
        raise InvalidInput(f"{path}: cannot read: {exc.strerror}") from None


def ring_json(rank: int, ring: Ring) -> dict[str, Any]:
    """A ring as the officer sees it (with the values behind each reason: local only)."""
    return {
        "rank": rank, "key": ring.key, "score": ring.score,
        "applications": list(ring.application_ids), "identities": ring.identities,
        "shared_kinds": list(ring.shared_kinds), "first_date": ring.first_date,
        "last_date": ring.last_date, "outcomes": ring.outcomes,
        "reasons": [{"signal": r.signal, "kind": r.kind, "count": r.count, "weight": r.weight,
                     "text": r.text, "evidence": list(r.evidence)} for r in ring.reasons],
    }  # fmt: skip


def _print(report: RingReport, rings: list[Ring]) -> None:
    table = Table("#", "ring", "score", "apps", "ids", "reasons", title="fraud rings")
    for rank, ring in enumerate(rings, start=1):
        reasons = "\n".join(
            escape(f"{r.text}" + (f" [{', '.join(r.evidence[:3])}]" if r.evidence else ""))
            for r in ring.reasons
        )
        table.add_row(str(rank), ring.key, f"{ring.score:g}", str(len(ring.application_ids)),
                      str(ring.identities), reasons)  # fmt: skip
    if rings:
        stdout.print(table)
    ignored = ", ".join(f"{count} {kind}" for kind, count in sorted(report.ignored.items()))
    stdout.print(
        f"{len(report.rings)} ring(s) in {report.applications} applications; {report.hubs} shared "
        f"values, {report.flagged_agents} flagged agent(s), base refusal rate "
        f"{report.base_refusal_rate:.0%}"
        + (f"; generic values ignored: {ignored}" if ignored else ""),
        highlight=False,
    )


def rings_command(
    file: Annotated[Path, typer.Argument(help="Applications: CSV, Parquet or JSON lines.")],
    map_file: Annotated[Path | None, typer.Option("--map", help="TOML column mapping.")] = None,
    clusters: Annotated[
        Path | None, typer.Option("--clusters", help="id,cluster_id from `liaison fraud dedupe`.")
    ] = None,
    min_score: Annotated[float, typer.Option("--min-score", help="Lowest score reported.")] = 10.0,
    top: Annotated[int, typer.Option("--top", help="Show (and share) the N best rings.")] = 50,
    share: Annotated[bool, typer.Option("--share", help="Store each ring as an incident.")] = False,
    collection: Annotated[
        str | None, typer.Option("--collection", "-c", help="Collection to share into.")
    ] = None,
    tlp: Annotated[str, typer.Option("--tlp", help="TLP of shared rings.")] = "amber+strict",
    releasable_to: ReleasableOption = None,
    purpose: PurposeOption = None,
    legal_basis: LegalBasisOption = None,
    retain_days: Annotated[int, typer.Option("--retain-days", help="Keep shares this long.")] = 365,
    evaluation: EvaluationOption = None,
    caveats: CaveatOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Find fraud rings: applications tied by shared documents, accounts, phones, addresses,
    employers and flagged agents, ranked by risk signals; print each with its reasons."""
    release = None
    if share:
        if not collection:
            raise InvalidInput("--share needs --collection")
        release = Release.parse(
            tlp, releasable_to or [], purpose, legal_basis, retain_days, evaluation, caveats
        )
    mapping = read_mapping(map_file) if map_file is not None else None
    columns = load_applications(file, mapping).table.to_pydict()
    groups = read_clusters(clusters) if clusters is not None else None
    report = find_rings(columns, groups, RingParams(min_score=min_score))
    rings = report.rings[: max(top, 0)]
    shared: SharedRings | None = None
    if release is not None and collection is not None and rings:
        with node_store(directory) as (settings, db), db.session(write=True) as session:
            origin = Origin(settings.node_name, settings.party)
            shared = share_rings(session, rings, collection, release, origin=origin)
    if json_output:
        emit_json({
            "rings": [ring_json(rank, ring) for rank, ring in enumerate(rings, start=1)],
            "total": len(report.rings), "applications": report.applications,
            "shared": list(shared.ids) if shared else [],
        })  # fmt: skip
        return
    _print(report, rings)
    if shared is not None:
        stdout.print(
            f"shared {len(shared.ids)} ring(s) in collection {shared.collection} "
            f"({shared.added} added) at {release.tlp.label if release else ''}",
            highlight=False,
        )
