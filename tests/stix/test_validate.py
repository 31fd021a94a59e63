"""Our STIX 2.1 validator against the OASIS stix2-validator: same verdicts on the shared corpus."""

from __future__ import annotations

import json

import pytest
from stix2validator import ValidationOptions, validate_instance

from liaison.stix.validate import validate_bundle, validate_object
from tests.conftest import ATTACK_DIR
from tests.stix.corpus import BROKEN_OBJECTS, VALID_OBJECTS

# Defects stix2-validator catches that our validator does not yet check. Empty now; the test
# below fails when this list drifts, so a new corpus entry we miss must be named here.
KNOWN_GAPS: frozenset[str] = frozenset()


# Cross-property rules where our message names the other property of the pair.
OTHER_FIELD_NAMED = frozenset({
    "type-mismatch-with-schema", "sco-type-mismatch-with-id",
    "observed-data-embedded-missing-objects", "observed-data-objects-and-object-refs",
    "location-missing-country-only-locator", "location-latitude-without-longitude",
    "tlp2-marking-missing-extensions", "marking-definition-type-tlp-non-canonical",
    "malware-analysis-missing-result-and-analysis-sco-refs",
})  # fmt: skip


@pytest.mark.parametrize("obj", VALID_OBJECTS, ids=lambda o: o["id"])
def test_valid_corpus_is_accepted_by_both(obj: dict) -> None:
    assert validate_object(obj) == []
    assert validate_instance(obj, ValidationOptions(version="2.1")).is_valid


def test_broken_corpus_is_rejected_apart_from_known_gaps() -> None:
    accepted = {name for name, _field, obj in BROKEN_OBJECTS if not validate_object(obj)}
    assert accepted == KNOWN_GAPS
    assert len(BROKEN_OBJECTS) - len(KNOWN_GAPS) >= 200


@pytest.mark.parametrize(
    ("name", "field", "obj"), BROKEN_OBJECTS, ids=[c[0] for c in BROKEN_OBJECTS]
)
def test_problem_names_object_and_field(name: str, field: str, obj: dict) -> None:
    if name in KNOWN_GAPS:
        return
    problems = validate_object(obj)
    assert problems
    if name in OTHER_FIELD_NAMED:
        return
    assert any(p.field == field for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize("name", ["ics-attack-18.1.json", "mobile-attack-17.1.json"])
def test_attack_bundles_valid_for_both(name: str) -> None:
    bundle = json.loads((ATTACK_DIR / name).read_text())
    assert validate_bundle(bundle) == []
    assert validate_instance(bundle, ValidationOptions(version="2.1")).is_valid
