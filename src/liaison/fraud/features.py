"""The columns the Splink model compares, derived from normalised applications in one SQL pass.

Computed in DuckDB whatever engine then runs the model, so DuckDB and Spark compare exactly the
same values. Columns (all strings): `unique_id` (the application id), cleaned names and their
transliteration keys (`given_clean`, `given_key`, `family_clean`, `family_key`), `name_lo` /
`name_hi` (the two keys in sorted order: blocking that survives a given/family swap),
`given_initial`, `dob` and `dob_year`, `passport`, `national_id`, `phone` (its last ten digits),
`email`, `address_clean`, `city_clean`, `postcode` (no spaces), `sex` and `nationality`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from liaison.fraud.names import clean_sql, initial_sql, key_sql

if TYPE_CHECKING:
    import pyarrow as pa

_PLACE = "nullif(trim(regexp_replace(lower(strip_accents({c})), '[^a-z0-9]+', ' ', 'g')), '')"

_CLEAN_SQL = f"""
SELECT application_id AS unique_id,
       {clean_sql("given_name")} AS given_clean,
       {clean_sql("family_name")} AS family_clean,
       date_of_birth AS dob,
       passport_number AS passport,
       national_id,
       nullif(right(regexp_replace(phone, '[^0-9]', '', 'g'), 10), '') AS phone,
       email,
       {_PLACE.format(c="address")} AS address_clean,
       {_PLACE.format(c="city")} AS city_clean,
       nullif(replace(upper(postcode), ' ', ''), '') AS postcode,
       sex,
       nationality
FROM applications
"""  # noqa: S608 (constants only)

_FEATURES_SQL = f"""
SELECT *, least(given_key, family_key) AS name_lo, greatest(given_key, family_key) AS name_hi
FROM (
    SELECT unique_id, given_clean, {key_sql("given_clean")} AS given_key,
           {initial_sql("given_clean")} AS given_initial,
           family_clean, {key_sql("family_clean")} AS family_key,
           dob, substr(dob, 1, 4) AS dob_year, passport, national_id, phone, email,
           address_clean, city_clean, postcode, sex, nationality
    FROM cleaned
)
"""  # noqa: S608 (constants only)

COMPARED = ("given_clean", "family_clean", "dob", "passport", "national_id", "phone", "email",
            "address_clean", "postcode", "city_clean", "sex", "nationality")  # fmt: skip


def features(applications: pa.Table) -> pa.Table:
    """The model's input columns for a table of normalised applications (see module doc)."""
    import duckdb

    con = duckdb.connect()
    try:
        con.register("applications", applications)
        con.execute(f"CREATE TABLE cleaned AS {_CLEAN_SQL}")
        return con.sql(_FEATURES_SQL).to_arrow_table()
    finally:
        con.close()


def present_columns(*tables: pa.Table) -> frozenset[str]:
    """The compared columns holding at least one value in every table (others are not modelled)."""
    present = set(COMPARED)
    for table in tables:
        present &= {name for name in COMPARED if table.column(name).null_count < table.num_rows}
    return frozenset(present)
