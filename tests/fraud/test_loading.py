"""Reading CSV / Parquet / JSON lines, the mapping, normalisation and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from liaison.errors import InvalidInput
from liaison.fraud.loading import load_applications
from liaison.fraud.mapping import read_mapping
from liaison.fraud.schema import FIELD_NAMES

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROWS = [
    {"application_id": " A1 ", "given_name": "Harpreet ", "family_name": "Singh",
     "date_of_birth": "1980-02-03", "sex": "male", "phone": "+91 98765-43210",
     "email": " H.Singh@Example.COM", "passport_number": "n 123-4567", "outcome": "Refused"},
    {"application_id": "A2", "given_name": "Olivia", "family_name": "Tremblay",
     "date_of_birth": "", "sex": "F", "extra": "x"},
]  # fmt: skip


def _csv(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = sorted({k for row in rows for k in row})
    lines = [",".join(columns)] + [",".join(row.get(c, "") for c in columns) for row in rows]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_csv_is_normalised(tmp_path: Path) -> None:
    loaded = load_applications(_csv(tmp_path / "a.csv", ROWS))
    first = loaded.table.to_pylist()[0]
    assert loaded.table.column_names == list(FIELD_NAMES)
    assert first["application_id"] == "A1" and first["given_name"] == "Harpreet"
    assert first["sex"] == "M" and first["outcome"] == "refused"
    assert first["phone"] == "+919876543210" and first["email"] == "h.singh@example.com"
    assert first["passport_number"] == "N1234567"
    assert loaded.ignored_columns == ("extra",)


def test_parquet_and_json_lines_read_the_same(tmp_path: Path) -> None:
    expected = load_applications(_csv(tmp_path / "a.csv", ROWS)).table
    pq.write_table(pa.Table.from_pylist(ROWS), tmp_path / "a.parquet")
    (tmp_path / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    assert load_applications(tmp_path / "a.parquet").table.equals(expected)
    assert load_applications(tmp_path / "a.jsonl").table.equals(expected)


def test_febrl_mapping(tmp_path: Path) -> None:
    rows = [{"rec_id": "rec-1-org", "given_name": "michaela", "surname": "neumann",
             "street_number": "8", "address_1": "stanley street", "address_2": "miami",
             "suburb": "winston hills", "postcode": "4223", "state": "nsw",
             "date_of_birth": "19151311", "soc_sec_id": "5304218"}]  # fmt: skip
    loaded = load_applications(
        _csv(tmp_path / "f.csv", rows), read_mapping(EXAMPLES / "febrl.toml")
    )
    record = loaded.table.to_pylist()[0]
    assert record["address"] == "8 stanley street" and record["city"] == "winston hills"
    assert record["national_id"] == "5304218" and record["country"] == "AU"
    assert record["date_of_birth"] is None and loaded.nulled_dates == 1


def test_missing_id_column(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [{"given_name": "A"}])
    with pytest.raises(InvalidInput, match="no 'application_id' column"):
        load_applications(path)


def test_empty_and_duplicate_ids_name_the_rows(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"row 2: field 'application_id' is empty"):
        load_applications(
            _csv(tmp_path / "a.csv", [{"application_id": "A"}, {"application_id": " "}])
        )
    rows = [{"application_id": "A"}, {"application_id": "B"}, {"application_id": "A"}]
    with pytest.raises(InvalidInput, match=r"rows 1, 3: field 'application_id': duplicate id 'A'"):
        load_applications(_csv(tmp_path / "b.csv", rows))


def test_malformed_date_names_file_row_and_field(tmp_path: Path) -> None:
    rows = [{"application_id": "A", "date_of_birth": "1980-01-01"},
            {"application_id": "B", "date_of_birth": "31/01/1980"}]  # fmt: skip
    with pytest.raises(InvalidInput, match=r"a.csv: row 2: field 'date_of_birth': '31/01/1980'"):
        load_applications(_csv(tmp_path / "a.csv", rows))


def test_bad_values_and_mappings(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"row 1: field 'sex': 'Q'"):
        load_applications(_csv(tmp_path / "a.csv", [{"application_id": "A", "sex": "Q"}]))
    bad = tmp_path / "m.toml"
    bad.write_text('[columns]\nid = "application_id"\nname = "full_name"\n')
    with pytest.raises(InvalidInput, match=r"m.toml: \[columns\] name = 'full_name': not a field"):
        read_mapping(bad)
    bad.write_text('[columns]\nnope = "application_id"\n')
    with pytest.raises(InvalidInput, match="names column 'nope', which the file lacks"):
        load_applications(_csv(tmp_path / "b.csv", [{"id": "A"}]), read_mapping(bad))
    with pytest.raises(InvalidInput, match="unknown file type"):
        load_applications(tmp_path / "m.toml")
