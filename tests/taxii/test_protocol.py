"""TAXII 2.1 protocol rules in-process: media types, errors, statuses, paging tokens, filters."""

from __future__ import annotations

import base64

import orjson
import pytest

from liaison.stix.tlp import Tlp
from liaison.taxii.media import accepts_taxii
from tests.factories import indicator, ipv4
from tests.taxii.conftest import PASSWORD, TAXII, Node


@pytest.mark.parametrize(
    ("accept", "ok"),
    [
        (None, True),
        ("*/*", True),
        ("application/*", True),
        ("application/taxii+json", True),
        ("application/taxii+json;version=2.1", True),
        ("application/taxii+json; version=2.1, text/html;q=0.5", True),
        ("application/taxii+json;version=2.0", False),
        ("application/json", False),
        ("text/html", False),
        ("application/taxii+json;version=2.1;q=0", False),
    ],
)
def test_accept_header(accept: str | None, ok: bool) -> None:
    assert accepts_taxii(accept) is ok


def test_every_endpoint_needs_credentials(node: Node) -> None:
    for url in ("/taxii2/", "/taxii2/api/", "/taxii2/api/collections/", node.objects_url):
        response = node.client.get(url)
        assert response.status_code == 401
        assert "Bearer" in response.headers["www-authenticate"]
        assert response.headers["content-type"] == TAXII
        assert response.json()["http_status"] == "401"
    bad = node.client.get("/taxii2/", headers={"Authorization": "Bearer lsn_nope_nope"})
    assert bad.status_code == 401


def test_basic_auth_and_406(node: Node) -> None:
    basic = "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    assert node.client.get("/taxii2/", headers={"Authorization": basic}).status_code == 200
    response = node.client.get("/taxii2/api/", headers=node.headers(Accept="application/json"))
    assert response.status_code == 406
    assert response.json()["title"] == "Not acceptable"


def test_api_root_and_collections(node: Node) -> None:
    root = node.client.get("/taxii2/api/", headers=node.headers()).json()
    assert root["versions"] == [TAXII] and root["max_content_length"] == 20_000
    titles = {
        c["title"]: c
        for c in node.client.get("/taxii2/api/collections/", headers=node.headers("bob")).json()[
            "collections"
        ]
    }
    assert set(titles) == {"shared", "readonly"}
    assert titles["readonly"]["can_write"] is False and titles["shared"]["can_write"] is True
    private = f"/taxii2/api/collections/{node.private_id}/"
    assert node.client.get(private, headers=node.headers("bob")).status_code == 404
    assert node.client.get(private + "objects/", headers=node.headers("bob")).status_code == 404
    assert node.client.get(private, headers=node.headers("alice")).status_code == 200


def _post_raw(
    node: Node,
    body: bytes,
    user: str = "alice",
    content_type: str = TAXII,
    collection: str | None = None,
) -> tuple[int, dict[str, object]]:
    url = f"/taxii2/api/collections/{collection or node.collection_id}/objects/"
    response = node.client.post(
        url, content=body, headers=node.headers(user, **{"Content-Type": content_type})
    )
    return response.status_code, response.json()


def test_post_errors(node: Node) -> None:
    assert _post_raw(node, b"{", content_type="application/json")[0] == 415
    assert _post_raw(node, b"{}", content_type="application/taxii+json")[0] == 415
    status, body = _post_raw(node, b"{not json")
    assert status == 400 and "not valid JSON" in str(body["description"])
    assert _post_raw(node, b'{"objects": {}}')[0] == 400
    assert _post_raw(node, b"[]")[0] == 400
    big = orjson.dumps({"objects": [indicator(n) for n in range(100)]})
    assert _post_raw(node, big)[0] == 413
    assert _post_raw(node, b'{"objects": []}', user="bob", collection=node.readonly_id)[0] == 403
    assert _post_raw(node, b'{"objects": []}', user="bob", collection=node.private_id)[0] == 404


def test_invalid_envelope_stores_nothing_and_reports_every_object(node: Node) -> None:
    broken = indicator(2)
    del broken["pattern"]
    status = node.post([indicator(1), broken])
    assert status["status"] == "complete" and status["success_count"] == 0
    assert status["failure_count"] == 2 and status["pending_count"] == 0
    first, second = status["failures"]
    assert "all or nothing" in first["message"] and "pattern" in second["message"]
    assert node.client.get(node.objects_url, headers=node.headers()).json()["objects"] == []
    conflicting = indicator(1, name="other")
    node.post([indicator(1)])
    assert node.post([conflicting])["failures"][0]["message"].startswith("not stored:")


def test_status_belongs_to_its_poster(node: Node) -> None:
    status = node.post([indicator(1), ipv4("198.51.100.7")])
    assert status["successes"][1]["version"].endswith("Z")
    url = f"/taxii2/api/status/{status['id']}/"
    assert node.client.get(url, headers=node.headers()).json()["success_count"] == 2
    assert node.client.get(url, headers=node.headers("bob")).status_code == 404


def test_paging_tokens_are_bound_to_their_query(node: Node) -> None:
    node.post([indicator(n) for n in range(5)])
    first = node.client.get(node.objects_url, params={"limit": 2}, headers=node.headers()).json()
    token = first["next"]
    changed = node.client.get(
        node.objects_url,
        params={"limit": 2, "next": token, "match[type]": "indicator"},
        headers=node.headers(),
    )
    assert changed.status_code == 400 and "different query" in changed.json()["description"]
    forged = node.client.get(
        node.objects_url, params={"next": token[:-2] + "AA"}, headers=node.headers()
    )
    assert forged.status_code == 400
    assert (
        node.client.get(node.objects_url, params={"limit": 0}, headers=node.headers()).status_code
        == 400
    )
    assert (
        node.client.get(node.objects_url, params={"limit": "x"}, headers=node.headers()).status_code
        == 400
    )
    assert (
        node.client.get(
            node.objects_url, params={"added_after": "yesterday"}, headers=node.headers()
        ).status_code
        == 400
    )
    assert (
        node.client.get(
            node.objects_url, params={"match[version]": "latest"}, headers=node.headers()
        ).status_code
        == 400
    )


def test_versions_filters_and_delete(node: Node) -> None:
    later = "2026-02-02T00:00:00.000Z"
    node.post([indicator(1), indicator(1, modified=later), indicator(2, tlp=Tlp.AMBER)])
    oid = indicator(1)["id"]
    get = node.client.get
    versions = get(f"{node.objects_url}{oid}/versions/", headers=node.headers("bob")).json()
    assert versions == {"more": False, "versions": ["2026-01-02T03:04:05.678Z", later]}

    def ids(**params: str) -> list[str]:
        envelope = get(node.objects_url, params=params, headers=node.headers("bob")).json()
        return [o["modified"] for o in envelope["objects"] if o["id"] == oid]

    assert ids() == [later]
    assert ids(**{"match[version]": "first"}) == ["2026-01-02T03:04:05.678Z"]
    assert len(ids(**{"match[version]": "all"})) == 2
    assert ids(**{"match[version]": "first,last"}) == ["2026-01-02T03:04:05.678Z", later]
    assert ids(**{"match[spec_version]": "2.0"}) == []
    assert ids(**{"match[type]": "malware"}) == []
    assert ids(**{"match[id]": f"{oid},indicator--x"}) == [later]
    assert (
        node.client.delete(f"{node.objects_url}{oid}/", headers=node.headers("carol")).status_code
        == 403
    )
    assert (
        node.client.delete(
            f"{node.objects_url}{oid}/",
            params={"match[version]": "first"},
            headers=node.headers("bob"),
        ).status_code
        == 200
    )
    assert ids(**{"match[version]": "all"}) == [later]
    assert (
        node.client.delete(f"{node.objects_url}{oid}/", headers=node.headers("bob")).status_code
        == 200
    )
    assert get(f"{node.objects_url}{oid}/", headers=node.headers("bob")).status_code == 404
    assert get(f"{node.objects_url}{oid}/versions/", headers=node.headers("bob")).status_code == 404
