"""`liaison fraud load | dedupe | link | explain` end to end through the CLI."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.csv as pacsv
from typer.testing import CliRunner

from liaison.cli import app
from liaison.fraud.synthetic import generate_applications
from tests.fraud.er_data import trained_model

runner = CliRunner()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    apps = generate_applications(3_000, seed=5).records
    source = tmp_path / "apps.csv"
    pacsv.write_csv(apps, source)
    model = tmp_path / "model.json"
    model.write_text(json.dumps(trained_model()))
    return source, model


def test_load_dedupe_explain(tmp_path: Path) -> None:
    source, model = _files(tmp_path)
    node = tmp_path / "node"
    result = runner.invoke(app, ["fraud", "load", str(source), "--dir", str(node), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["applications"] == 3_000
    assert (node / "fraud" / "applications.parquet").is_file()

    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["fraud", "dedupe", "--dir", str(node), "--output", str(out),
                                 "--model", str(model), "--json"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["id", "cluster_id"] and len(rows) == 3_000
    clusters: dict[str, list[str]] = {}
    for row in rows:
        clusters.setdefault(row["cluster_id"], []).append(row["id"])
    a, b = next(ids for ids in clusters.values() if len(ids) == 2)

    result = runner.invoke(app, ["fraud", "explain", a, b, "--dir", str(node), "--json"])
    assert result.exit_code == 0, result.output
    explained = json.loads(result.output)
    assert explained["match_probability"] >= 0.9
    assert {f["field"] for f in explained["fields"]} >= {
        "given_name",
        "family_name",
        "date_of_birth",
    }
    assert any(f["agreed"] for f in explained["fields"])
    result = runner.invoke(app, ["fraud", "explain", a, b, "--dir", str(node)])
    assert result.exit_code == 0 and "match probability" in result.output


def test_link_writes_pairs(tmp_path: Path) -> None:
    source, model = _files(tmp_path)
    rows = source.read_text().splitlines()
    (tmp_path / "a.csv").write_text("\n".join(rows[:1501]) + "\n")
    (tmp_path / "b.csv").write_text("\n".join(rows[:1] + rows[1501:]) + "\n")
    out = tmp_path / "pairs.csv"
    result = runner.invoke(app, ["fraud", "link", str(tmp_path / "a.csv"), str(tmp_path / "b.csv"),
                                 "--output", str(out), "--model", str(model),
                                 "--dir", str(tmp_path / "node")])  # fmt: skip
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        pairs = list(csv.DictReader(handle))
    assert pairs and list(pairs[0]) == ["id_a", "id_b", "match_probability"]
    ids_a = {line.split(",")[0].strip('"') for line in rows[1:1501]}
    assert all(p["id_a"].strip('"') in ids_a for p in pairs)
    assert all(float(p["match_probability"]) >= 0.9 for p in pairs)


def test_bad_input_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("application_id,date_of_birth\nA1,1980-01-01\nA2,1980-13-45\n")
    node = tmp_path / "node"
    result = runner.invoke(app, ["fraud", "load", str(bad), "--dir", str(node)])
    assert result.exit_code != 0
    assert "row 2: field 'date_of_birth'" in str(result.exception)
    assert not (node / "fraud").exists()
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, ["fraud", "dedupe", str(bad), "--output", str(out)])
    assert result.exit_code != 0 and not out.exists()
