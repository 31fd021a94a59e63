"""The generator: schema columns, ground truth, planted duplicates and rings, determinism."""

from __future__ import annotations

from collections import Counter

from liaison.fraud.schema import FIELD_NAMES, OUTCOMES
from liaison.fraud.synthetic import generate_applications


def test_records_have_the_schema_and_truth_lines_up() -> None:
    apps = generate_applications(5_000, seed=1)
    assert apps.records.column_names == list(FIELD_NAMES)
    assert apps.truth.column_names == ["application_id", "person_id", "ring_id"]
    assert apps.records.num_rows == apps.truth.num_rows == 5_000
    ids = apps.records.column("application_id").to_pylist()
    assert len(set(ids)) == 5_000
    assert ids == apps.truth.column("application_id").to_pylist()
    assert set(apps.records.column("outcome").to_pylist()) <= set(OUTCOMES)


def test_duplicates_rings_and_common_names_are_planted() -> None:
    apps = generate_applications(10_000, seed=2, rings=4)
    persons = Counter(apps.truth.column("person_id").to_pylist())
    assert sum(k - 1 for k in persons.values()) > 2_000
    rings = Counter(r for r in apps.truth.column("ring_id").to_pylist() if r is not None)
    assert set(rings) == {0, 1, 2, 3} and all(5 <= k <= 25 for k in rings.values())
    families = Counter(apps.records.column("family_name").to_pylist())
    assert families.most_common(1)[0][1] > 500  # a common name, so TF adjustment matters


def test_same_seed_same_data() -> None:
    first, second = generate_applications(2_000, seed=9), generate_applications(2_000, seed=9)
    assert first.records.equals(second.records) and first.truth.equals(second.truth)
    assert not generate_applications(2_000, seed=10).records.equals(first.records)
