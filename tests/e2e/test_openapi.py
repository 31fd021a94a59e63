"""Every operation in the served OpenAPI document, fuzzed by schemathesis: never a 5xx.

One `liaison serve` process for a fresh node (with one empty collection) serves the whole module;
its own /api/v1/openapi.json drives the cases, each sent with the admin's bearer token.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err

from liaison.store.collections import create_collection
from liaison.store.database import Database
from tests.cli.test_cli import liaison
from tests.ports import free_port
from tests.servers import served

pytestmark = pytest.mark.e2e
Operation = schemathesis.APIOperation[Any, Any, Any, Any]
MAX_EXAMPLES = 20  # per operation and mode: keeps the module well under a minute


@dataclass(frozen=True)
class Node:
    """A running node: where it listens and the admin's credentials."""

    base_url: str
    headers: dict[str, str]
    collection_id: str


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Node]:
    """`liaison serve` for a fresh node on a free port, for the whole module."""
    directory = tmp_path_factory.mktemp("openapi") / "node"
    init = liaison(
        "init", "--dir", str(directory), "--node-name", "ottawa", "--party", "ca", "--json"
    )
    token = json.loads(init.stdout)["admin_token"]
    db = Database(f"sqlite:///{directory}/liaison.db")
    with db.session(write=True) as session:
        collection_id = create_collection(session, "fuzz", owner_party="ca").id
    db.dispose()
    with served(directory, free_port()) as base_url:
        yield Node(base_url, {"Authorization": f"Bearer {token}"}, collection_id)


def _operations(schema: schemathesis.BaseSchema) -> list[Operation]:
    """Every operation in `schema`; one that schemathesis cannot read fails the test."""
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    return operations


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_server_errors(node: Node, mode: GenerationMode) -> None:
    """Valid (positive) and invalid (negative) requests to every operation: 4xx at worst.

    One Hypothesis run per operation, so each gets MAX_EXAMPLES. (schemathesis's own
    `pytest.from_fixture(...).parametrize()` would do this per test item, but schemathesis 4.32
    sets `Function._nodeid`, which pytest 9 no longer has.)
    """
    schema = schemathesis.openapi.from_url(f"{node.base_url}/api/v1/openapi.json")
    operations = _operations(schema)
    # A stream never ends by design; tests/streams covers it.
    operations = [op for op in operations if not op.path.startswith("/api/v1/streams/")]
    assert operations, "the OpenAPI document lists no operations"
    if mode is GenerationMode.NEGATIVE:  # an operation without inputs has no invalid request
        operations = [op for op in operations if op.body or any(op.iter_parameters())]
    for operation in operations:
        # Random collection ids would only ever meet 404: aim at the one that exists.
        fixed = (
            {"collection_id": node.collection_id}
            if "collection_id" in operation.path_parameters
            else {}
        )

        @given(case=operation.as_strategy(mode, path_parameters=fixed))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,  # each example is a real HTTP round trip
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        )
        def no_server_error(case: schemathesis.Case[Operation]) -> None:
            case.call_and_validate(
                base_url=node.base_url, headers=node.headers, checks=[not_a_server_error]
            )

        no_server_error()
