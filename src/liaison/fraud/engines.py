"""The SQL engines Splink runs the model on: DuckDB (default, in process) and Apache Spark.

`open_engine(name)` returns a Splink database API; the model code never asks which one it got.
Spark runs in local mode (`local[2]`) with Splink's similarity-function jar; its session is made
on first use and reused for the life of the process, since starting Spark takes seconds.
Intermediate tables are written as Parquet to a temporary checkpoint directory (removed at exit)
to cut Spark's query lineage, which otherwise grows with each clustering iteration.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from typing import Any, Literal

from liaison.errors import ConfigError

EngineName = Literal["duckdb", "spark"]
ENGINES: tuple[EngineName, ...] = ("duckdb", "spark")

_spark_session: Any = None


def open_engine(name: EngineName) -> Any:
    """A fresh Splink database API on engine `name` (DuckDB in memory, or local Spark)."""
    if name == "duckdb":
        try:
            from splink import DuckDBAPI
        except ImportError as exc:
            raise ConfigError(
                "entity resolution needs Splink: pip install 'liaison[fraud]'"
            ) from exc
        return DuckDBAPI()
    if name == "spark":
        from splink.internals.spark.database_api import SparkAPI

        return SparkAPI(  # type: ignore[no-untyped-call]
            spark_session=spark_session(), break_lineage_method="parquet"
        )
    raise ConfigError(f"unknown engine {name!r} (expected one of {', '.join(ENGINES)})")


def spark_session() -> Any:
    """The process's local Spark session, created on first call with Splink's UDF jar."""
    global _spark_session
    if _spark_session is not None:
        return _spark_session
    try:
        from pyspark.sql import SparkSession
        from splink.internals.spark.jar_location import similarity_jar_location
    except ImportError as exc:
        raise ConfigError("--engine spark needs PySpark: pip install 'liaison[spark]'") from exc
    _spark_session = (
        SparkSession.builder.master("local[2]")
        .appName("liaison-fraud")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", "4g")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.default.parallelism", "4")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    _spark_session.sparkContext.setLogLevel("ERROR")
    checkpoints = tempfile.mkdtemp(prefix="liaison-spark-")
    atexit.register(shutil.rmtree, checkpoints, ignore_errors=True)
    _spark_session.sparkContext.setCheckpointDir(checkpoints)
    return _spark_session


def register(db_api: Any, table: Any, name: str) -> Any:
    """Register a `pyarrow.Table` with the engine under `name`; returns the Splink frame."""
    if type(db_api).__name__ == "SparkAPI":
        table = db_api.spark.createDataFrame(table)
    return db_api.register(table, dataset_display_name=name)
