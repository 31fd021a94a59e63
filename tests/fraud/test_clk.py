"""CLK encodings: determinism, key dependence, per-attribute keys, hardening, parameters."""

from __future__ import annotations

import numpy as np
import pytest

from liaison.errors import InvalidInput
from liaison.fraud.clk import ClkField, ClkParams, Encoder, key_check, normalise, qgrams, unpack
from liaison.fraud.pprl import dice, popcounts

SECRET = b"correct horse battery staple 2026"
RECORDS = {
    "given_name": ["Harpreet", "Harpriet", "Anne", None],
    "family_name": ["Kaur", "Kaur", "Tremblay", "Singh"],
    "date_of_birth": ["1990-04-01", "1990-04-01", "1975-12-31", ""],
}


def test_same_secret_and_records_give_the_same_encodings() -> None:
    first = Encoder(SECRET, ClkParams()).encode(RECORDS)
    again = Encoder(SECRET, ClkParams()).encode(RECORDS)
    assert first.shape == (4, ClkParams().words)
    assert np.array_equal(first, again)


def test_another_secret_gives_unrelated_encodings() -> None:
    params = ClkParams(hardening="none")
    ours = Encoder(SECRET, params).encode(RECORDS)
    theirs = Encoder(SECRET + b"!", params).encode(RECORDS)
    similarity = dice(ours[:3], theirs[:3])
    assert similarity.max() < 0.4  # chance overlap of two random sets of bits
    assert dice(ours[:1], ours[1:2])[0] > 0.7  # a variant stays close under one secret
    assert key_check(SECRET) != key_check(SECRET + b"!")


def test_one_value_in_two_fields_sets_different_bits() -> None:
    params = ClkParams(
        hardening="none",
        fields=(ClkField("given_name", 10, 2, "name"), ClkField("family_name", 10, 2, "name")),
    )
    encoder = Encoder(SECRET, params)
    as_given = encoder.encode({"given_name": ["Singh"], "family_name": [None]})
    as_family = encoder.encode({"given_name": [None], "family_name": ["Singh"]})
    assert popcounts(as_given)[0] > 30
    assert dice(as_given, as_family)[0] < 0.2


def test_balanced_encodings_all_weigh_exactly_bits() -> None:
    encodings = Encoder(SECRET, ClkParams(bits=512, hardening="balance")).encode(RECORDS)
    assert encodings.shape[1] * 64 == 1024
    assert set(popcounts(encodings).tolist()) == {512}


def test_balancing_permutes_with_the_key() -> None:
    params = ClkParams(bits=256, hardening="balance")
    record = {"given_name": ["Anne"]}
    ours = unpack(Encoder(SECRET, params).encode(record), 512)[0]
    theirs = unpack(Encoder(SECRET + b"x", params).encode(record), 512)[0]
    assert not np.array_equal(ours[:256], ~ours[256:])  # not a plain filter + complement
    assert not np.array_equal(ours, theirs)


def test_xor_folding_halves_the_filter() -> None:
    encodings = Encoder(SECRET, ClkParams(bits=1024, hardening="xor-fold")).encode(RECORDS)
    assert encodings.shape == (4, 8)


def test_empty_record_sets_no_bits_before_hardening() -> None:
    encodings = Encoder(SECRET, ClkParams(hardening="none")).encode({"given_name": [None, ""]})
    assert popcounts(encodings).tolist() == [0, 0]


def test_normalising_and_qgrams() -> None:
    assert normalise(" José-María ", "name") == "jose maria"
    assert normalise("1990-04-01", "date") == "19900401"
    assert normalise("AB 12-34", "code") == "ab1234"
    assert qgrams("ann", 2) == {"_a", "an", "nn", "n_"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"bits": 1000}, "power of two"), ({"hardening": "rot13"}, "hardening"),
     ({"fields": ()}, "at least one field")],
)  # fmt: skip
def test_bad_parameters_are_refused(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        ClkParams(**kwargs)  # type: ignore[arg-type]


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(InvalidInput, match="at least 16 bytes"):
        Encoder(b"short", ClkParams())


def test_parameters_round_trip_and_bad_ones_name_the_field() -> None:
    params = ClkParams(bits=2048, hardening="xor-fold")
    assert ClkParams.from_json(params.as_json()) == params
    broken = {**params.as_json(), "bits": 3000}
    with pytest.raises(InvalidInput, match="bits"):
        ClkParams.from_json(broken)
