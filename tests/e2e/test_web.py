"""The officers' web UI in Debian's Chromium against a real `liaison demo` (Ottawa, New Delhi).

One demo and one browser serve the module. Every page visited is checked with axe-core (no
serious or critical violation) and its screenshot saved under docs/screenshots/.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from liaison.config import load_settings
from liaison.demo.data import node_identity
from liaison.demo.pillars import RINGS, demo_network, screened_incident
from liaison.stix.extensions import PRECURSOR_EXTENSION_ID
from liaison.store.database import Database
from liaison.store.models import StixObject
from tests.e2e.web_support import (
    Demo,
    check_accessibility,
    check_page,
    chromium,
    new_page,
    running_demo,
    sign_in,
)

pytestmark = pytest.mark.e2e
ARRIVAL_MS = 10_000
NEXT_YEAR = (datetime.now(UTC) + timedelta(days=365)).strftime("%Y-%m-%d")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The two-node demo, running for the module."""
    with running_demo(tmp_path_factory.mktemp("web") / "demo") as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Headless Chromium for the module."""
    with chromium() as launched:
        yield launched


def _officer(browser: Browser, demo: Demo, node: str) -> Page:
    page = new_page(browser)
    officer = demo.nodes[node]
    sign_in(page, demo.url(node), officer["user"], officer["password"])
    return page


def _share_indicator(page: Page, base_url: str, name: str, tlp: str, recipients: str = "") -> str:
    page.goto(f"{base_url}/share")
    page.select_option("#f-kind", "indicator")
    page.select_option("#f-collection", label="cyber (cyber)")
    page.fill("#f-name", name)
    page.fill("#f-pattern", f"[domain-name:value = '{name}.example']")
    page.select_option("#f-tlp", tlp)
    page.fill("#f-recipients", recipients)
    page.fill("#f-purpose", "prevent intrusions into critical infrastructure")
    page.fill("#f-legal_basis", "bilateral work plan (synthetic)")
    page.fill("#f-retain_until", NEXT_YEAR)
    page.select_option("#f-reliability", "B")
    page.select_option("#f-credibility", "2")
    page.fill("#f-caveat", "Lead only: corroborate before operational use.")
    page.click("form.stacked button[type=submit]")
    page.wait_for_url(f"{base_url}/objects/**")
    return page.url.rsplit("/", 1)[-1]


def test_login_page_is_accessible(browser: Browser, demo: Demo) -> None:
    page = new_page(browser)
    page.goto(f"{demo.url('ottawa')}/login")
    check_page(page, "login")
    page.context.close()


def test_a_shared_indicator_arrives_on_the_peers_live_feed(browser: Browser, demo: Demo) -> None:
    delhi = _officer(browser, demo, "new-delhi")
    delhi.goto(f"{demo.url('new-delhi')}/feed?pillar=cyber")
    expect(delhi.locator("#live-status")).to_contain_text("Live")
    ottawa = _officer(browser, demo, "ottawa")
    ottawa.goto(f"{demo.url('ottawa')}/share")
    check_page(ottawa, "share")
    name = f"web-{uuid.uuid4().hex[:8]}"
    object_id = _share_indicator(ottawa, demo.url("ottawa"), name, "green")
    expect(ottawa.locator("h1")).to_have_text(name)
    check_page(ottawa, "object")
    arrived = delhi.locator("#feed-items .feed-item", has_text=name)
    expect(arrived).to_be_visible(timeout=ARRIVAL_MS)  # no reload: the stream brought it
    expect(arrived.locator(".tlp")).to_have_text("TLP:GREEN")
    expect(arrived).to_contain_text("from ottawa (ca)")
    check_page(delhi, "feed")
    delhi.click(f"a[href='/objects/{object_id}']")
    expect(delhi.locator("#signature")).to_contain_text("valid: signed by node ottawa")
    for page in (delhi, ottawa):
        page.context.close()


def _stored_on(directory: str, object_id: str) -> bool:
    db = Database(load_settings(Path(directory)).store_url)
    try:
        with db.session() as session:
            return (
                session.scalar(select(StixObject.id).where(StixObject.id == object_id)) is not None
            )
    finally:
        db.dispose()


def test_a_red_object_not_addressed_to_the_officer_is_not_found(
    browser: Browser, demo: Demo
) -> None:
    ottawa = _officer(browser, demo, "ottawa")
    # Addressed to the New Delhi node (its peer principal), so it syncs there, but not to its officer.
    object_id = _share_indicator(
        ottawa, demo.url("ottawa"), f"red-{uuid.uuid4().hex[:8]}", "red", "new-delhi"
    )
    delhi = _officer(browser, demo, "new-delhi")
    for _ in range(100):
        if _stored_on(demo.nodes["new-delhi"]["dir"], object_id):
            break
        delhi.wait_for_timeout(100)
    else:
        raise AssertionError("the TLP:RED object never reached New Delhi")
    answer = delhi.goto(f"{demo.url('new-delhi')}/objects/{object_id}")
    assert answer is not None and answer.status == 404
    check_page(delhi, "not-found")
    for page in (delhi, ottawa):
        page.context.close()


def _wait_for(page: Page, url: str, text: str) -> None:
    """Reload `url` until it shows `text` (RFIs travel with the next sync, not a live feed)."""
    for _ in range(50):
        page.goto(url)
        if page.get_by_text(text).count():
            return
        page.wait_for_timeout(200)
    raise AssertionError(f"{text!r} never appeared on {url}")


def test_an_rfi_sent_from_ottawa_is_answered_from_new_delhi(browser: Browser, demo: Demo) -> None:
    ottawa = _officer(browser, demo, "ottawa")
    ottawa.goto(f"{demo.url('ottawa')}/rfis")
    question = f"Who operates the NorthwindLocker C2 ({uuid.uuid4().hex[:6]})?"
    ottawa.select_option("#rfi-to", "in")
    ottawa.select_option("#rfi-pillar", "cyber")
    ottawa.select_option("#rfi-priority", "priority")
    ottawa.fill("#rfi-due", (datetime.now(UTC) + timedelta(days=5)).strftime("%Y-%m-%d"))
    ottawa.fill("#rfi-question", question)
    ottawa.fill("#rfi-purpose", "attribution of a ransomware intrusion")
    ottawa.click("form.stacked button[type=submit]")
    ottawa.wait_for_url(f"{demo.url('ottawa')}/rfis/liaison-rfi--*")
    rfi_url = ottawa.url.replace(demo.url("ottawa"), "")
    delhi = _officer(browser, demo, "new-delhi")
    _wait_for(delhi, f"{demo.url('new-delhi')}/rfis", question)
    check_page(delhi, "rfis")
    delhi.click(f"a[href='{rfi_url}']")
    delhi.click("text=Acknowledge")
    expect(delhi.locator("#rfi-state")).to_have_text("acknowledged")
    delhi.fill("#answer-text", "A front company; see the attached indicator.")
    delhi.locator("#answer-form input[name=refs]").first.check()
    check_page(delhi, "rfi")
    delhi.click("#answer-form button[type=submit]")
    expect(delhi.locator("#rfi-state")).to_have_text("answered")
    _wait_for(ottawa, f"{demo.url('ottawa')}{rfi_url}", "A front company")
    expect(ottawa.locator("#rfi-state")).to_have_text("answered")
    for page in (delhi, ottawa):
        page.context.close()


def test_audit_and_work_plan_pages(browser: Browser, demo: Demo) -> None:
    page = new_page(browser)
    sign_in(page, demo.url("ottawa"), "admin-ottawa", demo.extra_password)
    page.goto(f"{demo.url('ottawa')}/workplan")
    expect(page.get_by_text("Liaison officers deployed in each capital")).to_be_visible()
    expect(page.locator("svg.chart").first).to_be_visible()
    check_page(page, "workplan")
    status_form = page.locator("form:has(select[name=status])").first
    status_form.locator("select").select_option("delayed")
    status_form.locator("button").click()
    expect(page.locator("td.status-delayed").first).to_be_visible()
    page.goto(f"{demo.url('ottawa')}/workplan/report")
    page.emulate_media(media="print")
    check_page(page, "workplan-report")
    page.emulate_media(media="screen")
    page.goto(f"{demo.url('ottawa')}/audit?kind=workplan.changed")
    expect(page.get_by_text("admin-ottawa").first).to_be_visible()
    page.goto(f"{demo.url('ottawa')}/audit")
    expect(page.get_by_text("new-delhi").first).to_be_visible()  # the peer's status row
    check_page(page, "audit")
    page.context.close()


def _planted_cut() -> set[str]:
    """The names of the demo network's planted chokepoints (its unique minimum cut)."""
    network = demo_network()
    names = {obj["id"]: obj.get("name") for obj in network.objects}
    return {names[stix_id] for stix_id in network.chokepoints}


def _open_network(page: Page, base_url: str, cut_size: int) -> None:
    """Open the drugs network, reloading until sync brought the whole cut, and wait for the
    drawing (cytoscape has drawn when the canvas says so)."""
    for _ in range(100):
        page.goto(f"{base_url}/network?collection=drugs")
        if page.locator("#cut-list li.cut-actor").count() == cut_size:
            break
        page.wait_for_timeout(200)
    expect(page.locator("#network-canvas")).to_have_attribute("data-state", "drawn")


def _drawn(page: Page, selector: str) -> int:
    count: int = page.evaluate(f"window.liaisonNetwork.nodes({selector!r}).length")
    return count


def test_network_view_draws_the_planted_cut_on_both_nodes(browser: Browser, demo: Demo) -> None:
    planted = _planted_cut()
    delhi_author = node_identity("new-delhi", "in")["id"]
    shipment = screened_incident("new-delhi", delhi_author, ["in", "ca"])
    incident = shipment["id"]
    companies = shipment["extensions"][PRECURSOR_EXTENSION_ID]["companies"]
    for node in ("ottawa", "new-delhi"):
        page = _officer(browser, demo, node)
        _open_network(page, demo.url(node), len(planted))
        shown = page.locator("#cut-list li.cut-actor a").all_inner_texts()
        assert set(shown) == planted and len(shown) == len(planted)
        expect(page.locator("#cut-summary")).to_contain_text(f"Removing {len(planted)} actors")
        assert _drawn(page, ".cut") == len(planted)
        assert (
            _drawn(page, "node") > 50
            and _drawn(page, ".source") > 0
            and _drawn(page, ".target") > 0
        )
        # New Delhi's stopped shipment joins Ottawa's supplier and broker in one graph.
        for _ in range(100):
            if page.evaluate(f"window.liaisonNetwork.getElementById({incident!r}).length"):
                break
            _open_network(page, demo.url(node), len(planted))
        degree = page.evaluate(f"window.liaisonNetwork.getElementById({incident!r}).degree()")
        assert degree == len(companies)  # both companies are Ottawa's network's vertices
        if node == "ottawa":
            check_page(page, "network")
            page.evaluate(f"window.liaisonNetwork.getElementById({incident!r}).emit('tap')")
            page.wait_for_url(f"{demo.url(node)}/objects/{incident}")
        else:
            check_accessibility(page, "network (new-delhi)")
        page.context.close()


def test_fraud_rings_shared_by_new_delhi_are_listed_on_both_nodes(
    browser: Browser, demo: Demo
) -> None:
    for node in ("new-delhi", "ottawa"):
        page = _officer(browser, demo, node)
        rings = page.locator("section.ring")
        for _ in range(100):
            page.goto(f"{demo.url(node)}/fraud-rings")
            if rings.count() == RINGS:
                break
            page.wait_for_timeout(200)
        expect(page.locator("h1")).to_have_text("Suspected visa-fraud rings")
        expect(rings).to_have_count(RINGS)
        for ring in rings.all():
            expect(ring).to_contain_text("from new-delhi (in)")
            assert ring.locator("ul.reasons li").count() > 0
        if node == "new-delhi":
            check_page(page, "fraud-rings")
        else:
            check_accessibility(page, "fraud-rings (ottawa)")
        page.context.close()
