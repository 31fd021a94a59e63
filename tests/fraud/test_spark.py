"""Spark and DuckDB give the same clusters on 10,000 applications with the same trained model.

One local SparkSession (`local[2]`) serves the module; it takes a few seconds to start.
"""

from __future__ import annotations

from liaison.fraud.model import dedupe
from tests.fraud.er_data import applications, partition, resolution, trained_model


def test_spark_clusters_equal_duckdb_clusters() -> None:
    duckdb_clusters = resolution().clusters
    spark = dedupe(applications().records, engine="spark", model=trained_model())
    assert duckdb_clusters is not None and spark.clusters is not None
    expected = partition(duckdb_clusters.column("unique_id").to_pylist(),
                         duckdb_clusters.column("cluster_id").to_pylist())  # fmt: skip
    got = partition(spark.clusters.column("unique_id").to_pylist(),
                    spark.clusters.column("cluster_id").to_pylist())  # fmt: skip
    assert got == expected
    assert sum(len(g) > 1 for g in got) > 1_000
