"""Shared data of the entity-resolution tests: one generated set and its trained model per run."""

from __future__ import annotations

from functools import cache
from typing import Any

from liaison.fraud.model import Resolution, dedupe
from liaison.fraud.synthetic import Applications, generate_applications


@cache
def applications() -> Applications:
    """10,000 generated applications (seed 3)."""
    return generate_applications(10_000, seed=3)


@cache
def resolution() -> Resolution:
    """The DuckDB dedupe of `applications()`, trained without labels."""
    return dedupe(applications().records)


def trained_model() -> dict[str, Any]:
    """The model `resolution()` trained."""
    return resolution().model


def partition(ids: list[str], clusters: list[Any]) -> set[frozenset[str]]:
    """Clusters as a set of sets of ids (cluster ids differ between runs and engines)."""
    groups: dict[Any, set[str]] = {}
    for unique_id, cluster in zip(ids, clusters, strict=True):
        groups.setdefault(cluster, set()).add(unique_id)
    return {frozenset(g) for g in groups.values()}


def pair_scores(
    truth_person: dict[str, int], groups: set[frozenset[str]]
) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1 of clusters against the true persons."""
    from collections import Counter

    true_pairs = sum(k * (k - 1) // 2 for k in Counter(truth_person.values()).values())
    found = correct = 0
    for group in groups:
        found += len(group) * (len(group) - 1) // 2
        correct += sum(k * (k - 1) // 2 for k in Counter(truth_person[i] for i in group).values())
    precision = correct / found if found else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    return precision, recall, 2 * precision * recall / (precision + recall)
