"""`liaison fraud load | link | dedupe | explain`: application records and entity resolution.

`load` validates a file and stores it normalised as `<dir>/fraud/applications.parquet`, which
`dedupe` reads when given no file. `link` and `dedupe` write their CSV and keep the scored pairs
(`<dir>/fraud/pairs.parquet`) and the trained model (`<dir>/fraud/model.json`) beside it, which
`explain ID_A ID_B` reads to show why two applications were linked.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from liaison.config import resolve_dir
from liaison.console import DirOption, JsonOption, emit_json, print_table, stderr, stdout
from liaison.errors import InvalidInput, NotFound
from liaison.fraud.engines import ENGINES, EngineName

if TYPE_CHECKING:
    import pyarrow as pa

    from liaison.fraud.loading import Loaded

MapOption = Annotated[
    Path | None, typer.Option("--map", help="TOML mapping of source columns to fields.")
]
EngineOption = Annotated[
    str, typer.Option("--engine", help=f"Splink engine: {' or '.join(ENGINES)}.")
]
ThresholdOption = Annotated[
    float, typer.Option("--threshold", min=0.0, max=1.0, help="Match probability to link at.")
]
ModelOption = Annotated[
    Path | None, typer.Option("--model", help="A trained model (model.json): skip training.")
]
OutputOption = Annotated[Path, typer.Option("--output", "-o", help="CSV file to write.")]


def fraud_dir(directory: Path | None) -> Path:
    """Where the fraud pillar keeps its files in the node directory."""
    return resolve_dir(directory) / "fraud"


def _load(path: Path, mapping: Path | None) -> Loaded:
    from liaison.fraud.loading import load_applications
    from liaison.fraud.mapping import read_mapping

    return load_applications(path, read_mapping(mapping) if mapping else None)


def load_command(
    file: Annotated[Path, typer.Argument(help="CSV, Parquet or JSON lines file.")],
    mapping: MapOption = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Parquet file to write instead.")
    ] = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Validate and normalise applications; store them for `dedupe` (<dir>/fraud/applications.parquet)."""
    from liaison.fraud.loading import write_applications

    loaded = _load(file, mapping)
    target = output or fraud_dir(directory) / "applications.parquet"
    write_applications(loaded.table, target)
    summary = {"file": str(file), "applications": loaded.table.num_rows, "output": str(target),
               "ignored_columns": list(loaded.ignored_columns), "nulled_dates": loaded.nulled_dates}  # fmt: skip
    if json_output:
        emit_json(summary)
        return
    stdout.print(f"{loaded.table.num_rows:,} applications stored in {target}", highlight=False)
    if loaded.ignored_columns:
        stdout.print(f"columns ignored: {', '.join(loaded.ignored_columns)}", highlight=False)
    if loaded.nulled_dates:
        stdout.print(f"unparseable dates left empty: {loaded.nulled_dates:,}", highlight=False)


def _engine(name: str) -> EngineName:
    for engine in ENGINES:
        if engine == name:
            return engine
    raise InvalidInput(f"unknown engine {name!r} (expected {' or '.join(ENGINES)})")


def _model(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    try:
        model: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInput(f"{path}: not a readable model file ({exc})") from exc
    return model


def _keep(directory: Path | None, pairs: pa.Table, model: dict[str, Any]) -> None:
    import pyarrow.parquet as pq

    from liaison.fraud.loading import replace_atomically

    target = fraud_dir(directory)
    replace_atomically(target / "pairs.parquet", lambda temporary: pq.write_table(pairs, temporary))
    (target / "model.json").write_text(json.dumps(model, indent=1), encoding="utf-8")


def _write_csv(table: pa.Table, target: Path) -> None:
    import pyarrow.csv as pacsv

    from liaison.fraud.loading import replace_atomically

    replace_atomically(target, lambda temporary: pacsv.write_csv(table, temporary))


def dedupe_command(
    file: Annotated[
        Path | None, typer.Argument(help="Applications (default: those `load` stored).")
    ] = None,
    output: OutputOption = Path("clusters.csv"),
    mapping: MapOption = None,
    engine: EngineOption = "duckdb",
    threshold: ThresholdOption = 0.9,
    model_file: ModelOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Find applications by the same person; write `id,cluster_id` for every application."""
    import pyarrow as pa

    from liaison.fraud.model import dedupe

    source = file or fraud_dir(directory) / "applications.parquet"
    if file is None and not source.is_file():
        raise NotFound(f"{source}: no stored applications (run `liaison fraud load FILE` first)")
    records = _load(source, mapping).table
    with stderr.status(f"deduplicating {records.num_rows:,} applications on {engine}…"):
        result = dedupe(
            records, engine=_engine(engine), threshold=threshold, model=_model(model_file)
        )
    assert result.clusters is not None
    clusters = result.clusters.rename_columns(["id", "cluster_id"]).sort_by("id")
    _write_csv(clusters.cast(pa.schema([("id", pa.string()), ("cluster_id", pa.string())])), output)
    _keep(directory, result.pairs, result.model)
    count = len(set(clusters.column("cluster_id").to_pylist()))
    _report(json_output, {"applications": records.num_rows, "clusters": count,
                          "pairs": result.pairs.num_rows, "output": str(output)})  # fmt: skip


def link_command(
    file_a: Annotated[Path, typer.Argument(help="First file of applications.")],
    file_b: Annotated[Path, typer.Argument(help="Second file of applications.")],
    output: OutputOption = Path("pairs.csv"),
    mapping: MapOption = None,
    mapping_b: Annotated[
        Path | None, typer.Option("--map-b", help="Mapping for FILE_B when it differs.")
    ] = None,
    engine: EngineOption = "duckdb",
    threshold: ThresholdOption = 0.9,
    model_file: ModelOption = None,
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Link two files; write `id_a,id_b,match_probability` for pairs at or above --threshold."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from liaison.fraud.model import link

    records_a = _load(file_a, mapping).table
    records_b = _load(file_b, mapping_b or mapping).table
    with stderr.status(f"linking {records_a.num_rows:,} × {records_b.num_rows:,} on {engine}…"):
        result = link(records_a, records_b, engine=_engine(engine), model=_model(model_file))
    pairs = result.pairs.filter(
        pc.greater_equal(result.pairs.column("match_probability"), threshold)
    )
    a_left = pc.equal(pairs.column("source_dataset_l"), "a")
    table = pa.table({
        "id_a": pc.if_else(a_left, pairs.column("unique_id_l"), pairs.column("unique_id_r")),
        "id_b": pc.if_else(a_left, pairs.column("unique_id_r"), pairs.column("unique_id_l")),
        "match_probability": pc.round(pairs.column("match_probability"), 6),
    })  # fmt: skip
    _write_csv(table, output)
    _keep(directory, result.pairs, result.model)
    _report(json_output, {"applications_a": records_a.num_rows, "applications_b": records_b.num_rows,
                          "pairs": table.num_rows, "output": str(output)})  # fmt: skip


def _report(json_output: bool, summary: dict[str, Any]) -> None:
    if json_output:
        emit_json(summary)
        return
    stdout.print(", ".join(f"{k.replace('_', ' ')}: {v:,}" if isinstance(v, int) else f"{k}: {v}"
                           for k, v in summary.items()), highlight=False)  # fmt: skip


def explain_command(
    id_a: Annotated[str, typer.Argument(help="One application id.")],
    id_b: Annotated[str, typer.Argument(help="The other application id.")],
    directory: DirOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show why the last `link` or `dedupe` scored two applications as it did, field by field."""
    import pyarrow.parquet as pq

    from liaison.fraud.explain import explain_pair, find_pair

    where = fraud_dir(directory)
    if not (where / "pairs.parquet").is_file():
        raise NotFound(f"{where}: no scored pairs (run `liaison fraud link` or `dedupe` first)")
    row = find_pair(pq.read_table(where / "pairs.parquet"), id_a, id_b)
    if row is None:
        raise NotFound(
            f"{id_a} and {id_b} were not scored as a pair (below 0.5 or not blocked together)"
        )
    evidence = explain_pair(row, json.loads((where / "model.json").read_text(encoding="utf-8")))
    if json_output:
        emit_json({"id_a": id_a, "id_b": id_b, "match_probability": row["match_probability"],
                   "match_weight": row["match_weight"],
                   "fields": [asdict(e) for e in evidence]})  # fmt: skip
        return
    stdout.print(f"{id_a} ↔ {id_b}: match probability {row['match_probability']:.4f}"
                 f" (weight {row['match_weight']:+.2f})", highlight=False)  # fmt: skip
    print_table(
        ("field", "agreed", "level", "weight", "a", "b"),
        [(e.field, "yes" if e.agreed else "no", e.level, f"{e.match_weight:+.2f}",
          e.value_a or "–", e.value_b or "–") for e in evidence],
    )  # fmt: skip
