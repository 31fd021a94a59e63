"""RFC 8785 JSON Canonicalization Scheme: the one byte form used for signatures and comparisons.

`canonical_json` takes a fast path through orjson where its output is provably the RFC 8785 form
and falls back to the `rfc8785` reference implementation everywhere else. The fast path holds
when the value contains only `dict` (with `str` keys), `list`, `tuple`, `str`, `bool`, `None` and
`int` within ±(2**53 - 1), and every object key lies below U+D800:

* no floats, so no ECMAScript number formatting is involved; integers in the safe range print
  as plain decimal digits in both;
* orjson escapes exactly what RFC 8785 §3.2.2.2 escapes (`"`, `\\`, \\b \\t \\n \\f \\r and the
  other controls below U+0020 as lower-case \\u00xx) and writes everything else as UTF-8,
  including U+007F and U+2028/U+2029; tests/stix/test_canonical.py checks every code point;
* orjson sorts keys by their UTF-8 bytes, RFC 8785 by UTF-16 code units; the two orders agree
  for code points below U+D800.

Integers outside the safe range, floats and anything else go to `rfc8785`, which formats floats
as ECMAScript does and rejects unsafe integers.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
import rfc8785

_SAFE_INT = 2**53 - 1
_FIRST_SURROGATE = "\ud800"


def _orjson_is_canonical(value: Any) -> bool:
    """True when orjson's sorted output of `value` is its RFC 8785 form (see the module doc)."""
    stack = [value]
    pop, extend = stack.pop, stack.extend
    while stack:
        item = pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            for key in item:
                if type(key) is not str or not (key.isascii() or max(key) < _FIRST_SURROGATE):
                    return False
            extend(item.values())
        elif kind is list or kind is tuple:
            extend(item)
        elif kind is int:
            if not -_SAFE_INT <= item <= _SAFE_INT:
                return False
        else:
            return False
    return True


def canonical_json(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    if _orjson_is_canonical(value):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # e.g. a lone surrogate in a string: let rfc8785 give its own error
    return bytes(rfc8785.dumps(value))


def canonical_digest(value: Any) -> str:
    """SHA-256 hex digest of the canonical form: equal JSON values, equal digests."""
    return hashlib.sha256(canonical_json(value)).hexdigest()
