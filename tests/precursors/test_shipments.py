"""Reading shipment records: CSV and JSON lines, gzip, and one-line errors naming line and field."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from liaison.errors import InvalidInput
from liaison.precursors.shipments import read_shipments

HEADER = "id,description,cas,hs_code,quantity_kg,shipper,consignee,origin,destination,route,date\n"


def test_csv_and_jsonl_read_alike(tmp_path: Path) -> None:
    csv_file = tmp_path / "s.csv"
    csv_file.write_text(
        HEADER + "A1,Acetone,67-64-1,2914.11,12.5,X Co,Y Ltd,cn,CA,CN>CA,2026-02-01\n"
    )
    jsonl = tmp_path / "s.jsonl"
    jsonl.write_text('{"id": "A1", "description": "Acetone", "cas": "67-64-1", "hs_code": '
                     '"2914.11", "quantity_kg": 12.5, "shipper": "X Co", "consignee": "Y Ltd", '
                     '"origin": "CN", "destination": "CA", "route": "CN>CA", '
                     '"date": "2026-02-01"}\n\n')  # fmt: skip
    gz = tmp_path / "s.csv.gz"
    gz.write_bytes(gzip.compress(csv_file.read_bytes()))
    records = [list(read_shipments(path)) for path in (csv_file, jsonl, gz)]
    assert records[0] == records[1] == records[2]
    assert records[0][0].quantity_kg == 12.5 and records[0][0].origin == "CN"


def test_only_id_and_description_are_required(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("id,description\nA1,Toluene\n")
    [record] = read_shipments(path)
    assert (record.cas, record.quantity_kg, record.route) == ("", None, "")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (HEADER + "A1,,,,,,,,,,\n", "s.csv:2: field 'description' is required"),
        (HEADER + ",Acetone,,,,,,,,,\n", "s.csv:2: field 'id' is required"),
        (HEADER + "A1,Acetone,,,ten,,,,,,\n", "s.csv:2: field 'quantity_kg' is not a number"),
        (HEADER + "A1,Acetone,,,-1,,,,,,\n", "s.csv:2: field 'quantity_kg' must be"),
        (HEADER + "A1,Acetone,,,,,,,,,1 May\n", "s.csv:2: field 'date' must be YYYY-MM-DD"),
        (HEADER + "A1,Acetone\n", "s.csv:2: 2 fields where the header has 11"),
        ("id,description,hscode\nA1,x,1\n", "s.csv:1: unknown column(s) hscode"),
        ("id,cas\nA1,1\n", "s.csv:1: missing column(s) description"),
    ],
)
def test_malformed_csv_names_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text)
    with pytest.raises(InvalidInput) as caught:
        list(read_shipments(path, "csv"))
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"id": "A1", "description": "x"}\n{"id": "A2", "desc', "s.jsonl:2: not JSON"),
        ('["A1"]\n', "s.jsonl:1: a record must be a JSON object"),
        ('{"id": "A1"}\n', "s.jsonl:1: field 'description' is required"),
        ('{"id": "A1", "description": "x", "colour": 1}\n', "s.jsonl:1: unknown column(s) colour"),
        ('{"id": "A1", "description": {"a": 1}}\n', "s.jsonl:1: field 'description' must be text"),
    ],
)
def test_malformed_json_lines_name_line_and_field(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.jsonl"
    path.write_text(text)
    with pytest.raises(InvalidInput) as caught:
        list(read_shipments(path, "jsonl"))
    assert caught.value.message.startswith(message)
