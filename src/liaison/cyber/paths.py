"""Object paths: the values a path such as `network-traffic:src_ref.value` selects in one object.

Steps follow STIX 2.1 §9.4: a property name or dictionary key, a list index, or `[*]` (every
element). A step through a `*_ref` property continues in the referenced object of the same
event; through a `*_refs` property, in the list of referenced objects (references that do not
resolve are left out). Values of properties named `*_hex` or `*_bin` are read as binary, so
they compare with `h'...'` and `b'...'` constants.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Mapping
from typing import Any

from liaison.stix.patterns import STAR, PathStep

Objects = Mapping[str, Mapping[str, Any]]
Walker = Callable[[Mapping[str, Any], Objects], list[Any]]


def _binary(name: str, value: Any) -> Any:
    """A `*_hex` / `*_bin` property's value as bytes; None when it does not decode."""
    try:
        if name.endswith("_hex"):
            return binascii.a2b_hex(value)
        return base64.standard_b64decode(value)
    except (binascii.Error, TypeError, ValueError):
        return None


def _step_key(values: list[Any], name: str, objects: Objects) -> list[Any]:
    """Take property/key `name` of every mapping in `values`, following references."""
    found: list[Any] = []
    binary = name.endswith(("_hex", "_bin"))
    for value in values:
        if isinstance(value, Mapping) and name in value:
            item = value[name]
            if binary:
                item = _binary(name, item)
                if item is None:
                    continue
            found.append(item)
    if name.endswith("_ref"):
        return [objects[ref] for ref in found if isinstance(ref, str) and ref in objects]
    if name.endswith("_refs"):
        lists = []
        for refs in found:
            if isinstance(refs, list):
                resolved = [objects[ref] for ref in refs if isinstance(ref, str) and ref in objects]
                if resolved:
                    lists.append(resolved)
        return lists
    return found


def _step_index(values: list[Any], index: int) -> list[Any]:
    return [value[index] for value in values if isinstance(value, list) and index < len(value)]


def _step_star(values: list[Any]) -> list[Any]:
    return [item for value in values if isinstance(value, list) for item in value]


def walk(obj: Mapping[str, Any], steps: tuple[PathStep, ...], objects: Objects) -> list[Any]:
    """Every value that `steps` select in `obj` (an object of `objects`, the whole event)."""
    values: list[Any] = [obj]
    for step in steps:
        if step is STAR:
            values = _step_star(values)
        elif isinstance(step, int):
            values = _step_index(values, step)
        else:
            values = _step_key(values, str(step), objects)
        if not values:
            break
    return values


def plain_keys(steps: tuple[PathStep, ...]) -> tuple[str, ...] | None:
    """The steps of a path made only of property names and dictionary keys that neither follow
    a reference nor read binary, else None.

    Such paths (`ipv4-addr:value`, `file:hashes.'SHA-256'`) are most of what indicators test,
    and the matcher reads them with one dictionary lookup per step.
    """
    names = []
    for step in steps:
        if not isinstance(step, str) or step.endswith(("_ref", "_refs", "_hex", "_bin")):
            return None
        names.append(step)
    return tuple(names)
