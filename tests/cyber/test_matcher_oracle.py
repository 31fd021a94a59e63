"""The matcher's verdicts equal the OASIS stix2-matcher's on generated pattern × event cases.

Each case is a pattern and a sequence of 1-4 events (in first_observed order); each generated
pattern meets two sequences. Our verdict: did the
streaming matcher report a hit at any event. The oracle's: does the pattern match the whole set
of events as observed-data SDOs. Cases the oracle itself rejects with an error (it raises on
some values, e.g. ISSUPERSET against a plain address) are counted and left out.
"""

from __future__ import annotations

import re
import uuid
from collections import Counter
from typing import Any

import pytest

from liaison.cyber.events import LogEvent
from liaison.cyber.indicators import compile_indicators
from liaison.stix.timestamps import micros_to_timestamp
from tests.cyber.oracle_cases import Generator

stix2matcher = pytest.importorskip("stix2matcher.matcher")

NAMESPACE = uuid.UUID("8f0f5cb4-4c53-4b39-9a4e-7f3c2f6f1a10")
PATTERNS = 1_040
SEQUENCES = 2  # event sequences per pattern: a case is one pattern × one sequence
SEED = 20261126
OPERATORS = (
    "!=",
    "<=",
    ">=",
    "=",
    "<",
    ">",
    "IN",
    "LIKE",
    "MATCHES",
    "ISSUBSET",
    "ISSUPERSET",
    "EXISTS",
)
QUALIFIERS = ("WITHIN", "REPEATS", "START", "FOLLOWEDBY", "] AND", "] OR", "NOT ")
_OPERATOR_RE = re.compile(
    r"(?<![<>!])(!=|<=|>=|=|<|>)(?!=)|\b(IN|LIKE|MATCHES|ISSUBSET|ISSUPERSET|EXISTS)\b"
)


def _bundle(event: LogEvent, index: int) -> dict[str, Any]:
    """An event as stix2-matcher's STIX 2.1 input: a bundle of an observed-data and its SCOs."""
    ids = {
        key: f"{obj['type']}--{uuid.uuid5(NAMESPACE, f'{index}-{key}')}"
        for key, obj in event.objects.items()
    }
    scos = [{**_with_ids(obj, ids), "id": ids[key]} for key, obj in event.objects.items()]
    observed = {
        "type": "observed-data",
        "id": f"observed-data--{uuid.uuid5(NAMESPACE, str(index))}",
        "first_observed": micros_to_timestamp(event.first_observed),
        "last_observed": micros_to_timestamp(event.last_observed),
        "number_observed": event.number_observed,
        "object_refs": list(ids.values()),
    }
    return {
        "type": "bundle",
        "id": f"bundle--{uuid.uuid5(NAMESPACE, f'b{index}')}",
        "objects": [observed, *scos],
    }


def _with_ids(obj: Any, ids: dict[str, str]) -> Any:
    """`obj` with its references (`*_ref`, `*_refs`) rewritten from keys to ids."""
    if not isinstance(obj, dict):
        return obj
    out = {}
    for name, value in obj.items():
        if name.endswith("_ref") and isinstance(value, str):
            value = ids.get(value, value)
        elif name.endswith("_refs") and isinstance(value, list):
            value = [ids.get(ref, ref) for ref in value]
        out[name] = _with_ids(value, ids)
    return out


def _ours(pattern: str, events: list[LogEvent]) -> bool:
    indicator = {
        "type": "indicator",
        "id": "indicator--case",
        "pattern": pattern,
        "pattern_type": "stix",
    }
    matcher, problems = compile_indicators([indicator], now=0)
    assert problems == [], (pattern, problems)
    return any(matcher.match(event) for event in events)


def _oracle(pattern: Any, events: list[LogEvent]) -> bool | None:
    bundles = [_bundle(event, index) for index, event in enumerate(events)]
    try:
        return bool(pattern.match(bundles))
    except stix2matcher.MatcherException:
        return None


def _features(pattern: str) -> set[str]:
    found = {a or b for a, b in _OPERATOR_RE.findall(re.sub(r"'(?:[^'\\]|\\.)*'", "''", pattern))}
    found |= {q for q in QUALIFIERS if q in pattern}
    return found


def test_verdicts_equal_stix2_matcher() -> None:
    generator = Generator(SEED)
    compared = skipped = 0
    verdicts: Counter[tuple[str, bool]] = Counter()
    mismatches = []
    for _ in range(PATTERNS):
        pattern, types = generator.pattern()
        oracle_pattern = stix2matcher.Pattern(pattern, stix_version="2.1")  # parsed once: slow
        for _ in range(SEQUENCES):
            events = generator.events(types)
            expected = _oracle(oracle_pattern, events)
            if expected is None:
                skipped += 1
                continue
            compared += 1
            for feature in _features(pattern):
                verdicts[(feature, expected)] += 1
            if _ours(pattern, events) != expected:
                mismatches.append((pattern, expected, events))
    assert not mismatches, f"{len(mismatches)} of {compared} differ; first: {mismatches[:3]}"
    assert compared >= 2_000, (compared, skipped)
    for feature in (*OPERATORS, *QUALIFIERS):
        assert verdicts[(feature, True)] >= 5, (feature, verdicts)
        assert verdicts[(feature, False)] >= 5, (feature, verdicts)
