"""Entity resolution of applications with Splink: train without labels, score pairs, cluster.

`dedupe(records)` and `link(records_a, records_b)` take normalised application tables (as
`liaison.fraud.loading` and `liaison.fraud.synthetic` produce them) and return a `Resolution`:
the scored pairs at or above `PAIR_FLOOR` with every comparison's level (`gamma_*`) and match
weight (`mw_*`), the clusters (dedupe) and the trained model as Splink's JSON dictionary.

Training, when no model is given: the probability two random records match from deterministic
rules (`comparisons.deterministic_rules`, recall 0.7), u probabilities by random sampling, then
EM on two blocking rules (date of birth; a document or contact), each pass learning the
m probabilities of the comparisons its rule does not fix. A trained model (`model=`) skips that
and scores the data as it stands, on either engine (a model trained on one engine scores on
the other: its parameters are carried over into settings written in the engine's dialect).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from liaison.fraud import comparisons as rules
from liaison.fraud.engines import EngineName, open_engine, register
from liaison.fraud.features import features, present_columns

if TYPE_CHECKING:
    import pyarrow as pa

LinkType = Literal["dedupe_only", "link_only"]
THRESHOLD = 0.9
PAIR_FLOOR = 0.5
U_SAMPLE_PAIRS = 5e6
EM_MAX_PAIRS = 2e6


@dataclass(frozen=True, slots=True)
class Resolution:
    """Scored pairs (`unique_id_l`, `unique_id_r`, `match_probability`, `gamma_*`, `mw_*`, …),
    clusters (`unique_id`, `cluster_id`; dedupe only) and the trained model."""

    pairs: pa.Table
    clusters: pa.Table | None
    model: dict[str, Any]


def settings(link_type: LinkType, present: frozenset[str]) -> Any:
    """The Splink settings (untrained) for the compared columns in `present`."""
    from splink import SettingsCreator

    return SettingsCreator(
        link_type=link_type,
        unique_id_column_name="unique_id",
        comparisons=rules.comparisons(present),
        blocking_rules_to_generate_predictions=rules.prediction_blocking_rules(present),
        retain_intermediate_calculation_columns=True,
        retain_matching_columns=True,
        additional_columns_to_retain=["name_lo", "name_hi"],
    )


def train(linker: Any, present: frozenset[str], seed: int, records: int) -> None:
    """Estimate the model's parameters without labels (see the module doc); the u sample grows
    with the data (100 pairs a record, between one and five million pairs)."""
    linker.training.estimate_probability_two_random_records_match(
        rules.deterministic_rules(present), recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(
        max_pairs=min(U_SAMPLE_PAIRS, max(1e6, 100.0 * records)), seed=seed
    )
    for rule in rules.training_blocking_rules(present):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=EM_MAX_PAIRS
        )


def dedupe(
    records: pa.Table,
    *,
    engine: EngineName = "duckdb",
    threshold: float = THRESHOLD,
    model: dict[str, Any] | None = None,
    seed: int = 0,
) -> Resolution:
    """Find the applications in `records` that are the same person, and cluster them."""
    table = features(records)
    present = present_columns(table)
    db_api = open_engine(engine)
    frames = [register(db_api, table, "applications")]
    linker = _linker(frames, _model_settings("dedupe_only", present, model, db_api))
    if model is None:
        train(linker, present, seed, table.num_rows)
    predictions = linker.inference.predict(threshold_match_probability=min(PAIR_FLOOR, threshold))
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=threshold
    )
    clusters = clustered.as_pyarrow_table().select(["unique_id", "cluster_id"])
    return Resolution(_pairs(predictions), clusters, linker.misc.save_model_to_json())


def link(
    records_a: pa.Table,
    records_b: pa.Table,
    *,
    engine: EngineName = "duckdb",
    model: dict[str, Any] | None = None,
    seed: int = 0,
) -> Resolution:
    """Score the pairs of one application in `records_a` and one in `records_b` (no clusters)."""
    table_a, table_b = features(records_a), features(records_b)
    present = present_columns(table_a, table_b)
    db_api = open_engine(engine)
    frames = [register(db_api, table_a, "a"), register(db_api, table_b, "b")]
    linker = _linker(frames, _model_settings("link_only", present, model, db_api))
    if model is None:
        train(linker, present, seed, table_a.num_rows + table_b.num_rows)
    predictions = linker.inference.predict(threshold_match_probability=PAIR_FLOOR)
    return Resolution(_pairs(predictions), None, linker.misc.save_model_to_json())


def _model_settings(
    link_type: LinkType, present: frozenset[str], model: dict[str, Any] | None, db_api: Any
) -> Any:
    """The settings to score with: untrained, or carrying a trained model's parameters.

    A trained model's SQL is in the dialect of the engine that trained it, so the settings are
    rebuilt for this engine and only the parameters (the prior, each level's m and u, matched by
    comparison and level label) are taken from the model.
    """
    creator = settings(link_type, present)
    if model is None:
        return creator
    fresh = creator.get_settings(db_api.sql_dialect.sql_dialect_str).as_dict()
    fresh["probability_two_random_records_match"] = model["probability_two_random_records_match"]
    trained = {
        (c["output_column_name"], level.get("label_for_charts")): level
        for c in model["comparisons"]
        for level in c["comparison_levels"]
    }
    for comparison in fresh["comparisons"]:
        for level in comparison["comparison_levels"]:
            known = trained.get((comparison["output_column_name"], level.get("label_for_charts")))
            for key in ("m_probability", "u_probability"):
                if known is not None and key in known:
                    level[key] = known[key]
    return fresh


def _linker(frames: list[Any], model: Any) -> Any:
    from splink import Linker

    logging.getLogger("splink").setLevel(logging.ERROR)
    return Linker(frames if len(frames) > 1 else frames[0], model, log_level=None)


def _pairs(predictions: Any) -> pa.Table:
    table = predictions.as_pyarrow_table()
    return table.sort_by([("match_probability", "descending")])
