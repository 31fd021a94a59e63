"""The orjson fast path of canonical_json gives exactly the RFC 8785 bytes of `rfc8785.dumps`."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.stix.canonical import _orjson_is_canonical, canonical_digest, canonical_json

SAFE = 2**53 - 1
ALL_CODE_POINTS = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
ADVERSARIAL = [
    "\x00", "\x07", "\b", "\t", "\n", "\x0b", "\f", "\r", "\x1f", " ", '"', "\\", "/", "\x7f",
    "\x80", "\u00e9", "\u2028", "\u2029", "\ufeff", "\ud7ff", "\ue000", "\uffff", "\U0001f600",
    "\U0010ffff", "</script>", "a\u0000b",
]  # fmt: skip

adversarial_text = st.one_of(
    st.text(),
    st.sampled_from(ADVERSARIAL),
    st.lists(st.sampled_from(ADVERSARIAL), max_size=6).map("".join),
)
safe_ints = st.one_of(
    st.integers(min_value=-SAFE, max_value=SAFE), st.sampled_from([SAFE, -SAFE, 0, -1])
)
any_ints = st.one_of(safe_ints, st.integers(), st.sampled_from([SAFE + 1, -SAFE - 1, 2**64]))
json_values = st.recursive(
    st.one_of(
        st.none(), st.booleans(), any_ints, adversarial_text,
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(adversarial_text, children, max_size=5)
    ),
    max_leaves=30,
)  # fmt: skip
float_free = st.recursive(
    st.one_of(st.none(), st.booleans(), safe_ints, adversarial_text),
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(adversarial_text, children, max_size=5)
    ),
    max_leaves=30,
)


def reference(value: Any) -> bytes | type[Exception]:
    """rfc8785's bytes, or the class of error it raises."""
    try:
        return bytes(rfc8785.dumps(value))
    except rfc8785.CanonicalizationError as exc:
        return type(exc)


def ours(value: Any) -> bytes | type[Exception]:
    """canonical_json's bytes, or the class of error it raises."""
    try:
        return canonical_json(value)
    except rfc8785.CanonicalizationError as exc:
        return type(exc)


@settings(max_examples=800)
@given(json_values)
def test_equals_rfc8785_on_any_json(value: Any) -> None:
    assert ours(value) == reference(value)


@settings(max_examples=800)
@given(float_free)
def test_fast_path_itself_equals_rfc8785(value: Any) -> None:
    """Where the fast path is taken, orjson's sorted bytes are the RFC 8785 bytes."""
    if _orjson_is_canonical(value):
        assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == reference(value)


@settings(max_examples=500)
@given(st.dictionaries(st.text(alphabet=st.characters(max_codepoint=0xD7FF)), safe_ints))
def test_fast_path_sorts_bmp_keys_like_utf16(value: dict[str, int]) -> None:
    assert _orjson_is_canonical(value)
    assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == reference(value)


def test_every_code_point_is_escaped_as_rfc8785_does() -> None:
    """Escaping is per character, so one string of every scalar value covers them all."""
    assert orjson.dumps(ALL_CODE_POINTS) == reference(ALL_CODE_POINTS)
    assert canonical_json({"k": ALL_CODE_POINTS}) == reference({"k": ALL_CODE_POINTS})


@pytest.mark.parametrize(
    "value",
    [
        {"\ue000": 1, "\U0001f600": 2},  # UTF-8 and UTF-16 orders differ: must fall back
        {"a": 1.5},
        {"a": [1e21, 1e-7, -0.0]},
        SAFE + 1,
        -(SAFE + 1),
        {"a": 2**64},
    ],
)
def test_unsafe_values_leave_the_fast_path(value: Any) -> None:
    assert not _orjson_is_canonical(value)
    assert ours(value) == reference(value)


def test_supplementary_keys_sort_by_utf16() -> None:
    assert (
        canonical_json({"\ue000": 1, "\U0001f600": 2}) == b'{"\xf0\x9f\x98\x80":2,"\xee\x80\x80":1}'
    )


def test_lone_surrogate_is_rejected_like_rfc8785() -> None:
    with pytest.raises(rfc8785.CanonicalizationError):
        canonical_json({"a": "\ud800"})


def test_digest_is_order_independent() -> None:
    assert canonical_digest({"b": 1, "a": [True, None]}) == canonical_digest(
        {"a": [True, None], "b": 1}
    )
