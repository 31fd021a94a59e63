"""`liaison fraud encode` and `liaison fraud match-remote`: cross-border matching on encodings.

`encode` turns an application file into hardened Bloom-filter encodings under a secret the two
parties agreed out of band, and stores them as `liaison-pprl-encodings` objects for replication
to the peer; `match-remote` reads the peer's encodings that arrived by sync, encodes the local
file the same way and writes the pairs at or above the Dice threshold. The secret comes from a
file or standard input, never from the command line, and is never stored.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Annotated

import typer

from liaison.audit.log import LOCAL_ACTOR, record
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
from liaison.fraud.clk import ClkParams, Encoder, check_secret, key_check
from liaison.fraud.loading import load_applications
from liaison.fraud.mapping import read_mapping
from liaison.fraud.pprl import BlockingParams, Pairs, all_pairs, blocked_pairs, one_to_one
from liaison.fraud.pprl_release import Release
from liaison.fraud.pprl_store import build_export, read_remote, write_mapping
from liaison.store.collections import find_collection
from liaison.store.objects import Origin, add_objects

ENCODED = "fraud.pprl.encoded"
MATCHED = "fraud.pprl.matched"
SecretFileOption = Annotated[
    Path | None, typer.Option("--secret-file", help="File holding the shared secret.")
]
SecretStdinOption = Annotated[
    bool, typer.Option("--secret-stdin", help="Read the shared secret from standard input.")
]
MapOption = Annotated[Path | None, typer.Option("--map", help="TOML column mapping.")]


def read_secret(secret_file: Path | None, secret_stdin: bool) -> bytes:
    """The shared secret from its file or from standard input (surrounding whitespace dropped)."""
    if (secret_file is None) == (not secret_stdin):
        raise InvalidInput(
            "give the shared secret with exactly one of --secret-file, --secret-stdin"
        )
    if secret_file is not None:
        try:
            raw = secret_file.read_bytes()
        except OSError as exc:
            raise InvalidInput(f"{secret_file}: cannot read the secret: {exc.strerror}") from None
    else:
        raw = sys.stdin.buffer.read()
    return check_secret(raw.strip())


def _columns(file: Path, map_file: Path | None) -> dict[str, list[str | None]]:
    mapping = read_mapping(map_file) if map_file is not None else None
    columns: dict[str, list[str | None]] = load_applications(file, mapping).table.to_pydict()
    return columns


def encode_command(
    file: Annotated[Path, typer.Argument(help="Applications: CSV, Parquet or JSON lines.")],
    collection: Annotated[
        str, typer.Option("--collection", "-c", help="Collection to store into.")
    ],
    releasable_to: ReleasableOption = None,
    purpose: PurposeOption = None,
    legal_basis: LegalBasisOption = None,
    secret_file: SecretFileOption = None,
    secret_stdin: SecretStdinOption = False,
    map_file: MapOption = None,
    tlp: Annotated[str, typer.Option("--tlp", help="TLP of the encodings.")] = "amber+strict",
    retain_days: Annotated[int, typer.Option("--retain-days", help="Keep them this long.")] = 90,
    bits: Annotated[
        int, typer.Option("--bits", help="Bloom filter length before hardening.")
    ] = 1024,
    hardening: Annotated[
        str, typer.Option("--hardening", help="balance, xor-fold or none.")
    ] = "balance",
    chunk_size: Annotated[int, typer.Option("--chunk-size", help="Records per object.")] = 2000,
    evaluation: EvaluationOption = None,
    caveats: CaveatOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Encode applications into hardened Bloom-filter encodings and store them for the peer."""
    secret = read_secret(secret_file, secret_stdin)
    release = Release.parse(
        tlp, releasable_to or [], purpose, legal_basis, retain_days, evaluation, caveats
    )
    params = ClkParams(bits=bits, hardening=hardening)  # type: ignore[arg-type]
    export = build_export(_columns(file, map_file), Encoder(secret, params), chunk_size, purpose)
    with node_store(directory) as (settings, db):
        mapping_path = settings.dir / "pprl" / f"{export.export_id}.csv"
        with db.session(write=True) as session:
            target = find_collection(session, collection)
            objects = [release.stamp(obj, settings.party) for obj in export.objects]
            write_mapping(mapping_path, export.application_ids)
            try:
                added = add_objects(
                    session, target, objects, origin=Origin(settings.node_name, settings.party)
                )
                record(session, ENCODED, LOCAL_ACTOR, {
                    "collection": target.id, "export_id": export.export_id,
                    "records": len(export.application_ids), "objects": len(objects),
                    "released_to": list(release.releasable_to), "tlp": release.tlp.value,
                    "purpose": release.purpose, "legal_basis": release.legal_basis,
                })  # fmt: skip
            except BaseException:
                mapping_path.unlink(missing_ok=True)
                raise
    summary = {
        "export_id": export.export_id, "records": len(export.application_ids),
        "objects": len(objects), "added": added.added, "collection": collection,
        "mapping": str(mapping_path),
    }  # fmt: skip
    if json_output:
        emit_json(summary)
        return
    stdout.print(
        f"encoded {summary['records']} applications into {summary['objects']} object(s) in "
        f"collection {collection} (export {export.export_id}); index → application mapping kept "
        f"in {mapping_path}",
        highlight=False,
    )


def match_remote_command(
    file: Annotated[Path, typer.Argument(help="Local applications to match.")],
    collection: Annotated[
        str, typer.Option("--collection", "-c", help="Collection holding the peer's encodings.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="CSV of matched pairs.")],
    secret_file: SecretFileOption = None,
    secret_stdin: SecretStdinOption = False,
    map_file: MapOption = None,
    export: Annotated[
        str | None, typer.Option("--export", help="Export id (default: the newest).")
    ] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Lowest Dice kept.")] = 0.75,
    one_to_one_only: Annotated[
        bool, typer.Option("--one-to-one", help="At most one partner per record.")
    ] = False,
    brute_force: Annotated[
        bool, typer.Option("--all-pairs", help="Compare every pair (no blocking).")
    ] = False,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Match local applications against a peer's encodings; write the pairs above threshold."""
    secret = read_secret(secret_file, secret_stdin)
    with node_store(directory) as (settings, db):
        with db.session() as session:
            remote = read_remote(session, collection, settings.party, export)
        if remote.key_check != key_check(secret):
            raise InvalidInput(
                f"export {remote.export_id} was encoded with another secret than the one given"
            )
        columns = _columns(file, map_file)
        local = Encoder(secret, remote.params).encode(columns)
        if brute_force:
            pairs = all_pairs(local, remote.encodings, threshold)
        else:
            pairs = blocked_pairs(local, remote.encodings, threshold, BlockingParams())
        pairs = one_to_one(pairs) if one_to_one_only else pairs.sorted()
        _write_pairs(output, remote.export_id, columns["application_id"], pairs)
        with db.session(write=True) as session:
            record(session, MATCHED, LOCAL_ACTOR, {
                "export_id": remote.export_id, "from_party": remote.origin_party,
                "local_records": len(local), "remote_records": len(remote.encodings),
                "pairs": len(pairs), "threshold": threshold,
            })  # fmt: skip
    summary = {"export_id": remote.export_id, "pairs": len(pairs), "output": str(output),
               "local_records": len(local), "remote_records": len(remote.encodings)}  # fmt: skip
    if json_output:
        emit_json(summary)
        return
    stdout.print(
        f"{len(pairs)} pair(s) at Dice ≥ {threshold} between {len(local)} local applications and "
        f"{len(remote.encodings)} encodings of export {remote.export_id}; written to {output}",
        highlight=False,
    )


def _write_pairs(path: Path, export_id: str, ids: list[str | None], pairs: Pairs) -> None:
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("remote_ref", "application_id", "dice"))
        for i, j, score in zip(
            pairs.left.tolist(), pairs.right.tolist(), pairs.score.tolist(), strict=True
        ):
            writer.writerow((f"{export_id}:{j}", ids[i], f"{score:.4f}"))
    partial.replace(path)
