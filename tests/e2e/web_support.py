"""Helpers of the browser tests: a running `liaison demo`, Chromium, sign-in, axe-core, screenshots.

The demo runs once per module (`--json` tells where each node is and its officer's password);
an auditor and an admin with passwords are added to Ottawa with `liaison user add`. Chromium is
Debian's (`/usr/bin/chromium`), headless, driven by Playwright's sync API. axe-core is the
vendored copy (checked against its manifest by tests/web/test_vendor.py), injected into every
page before its own scripts.
"""

from __future__ import annotations

import secrets
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from playwright.sync_api import Browser, Page, sync_playwright

from tests.ports import free_ports

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
AXE = ROOT / "src" / "liaison" / "web" / "static" / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
BLOCKING = ("serious", "critical")
_AXE_RUN = """async () => {
  const result = await window.axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}));
}"""


@dataclass
class Demo:
    """The running demo: each node's URL, officer credentials and directory; extra users."""

    nodes: dict[str, Any]
    extra_password: str

    def url(self, node: str) -> str:
        """The base URL of `node` (ottawa or new-delhi)."""
        return str(self.nodes[node]["url"])


def _add_user(directory: str, name: str, party: str, role: str, password: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "liaison", "user", "add", name, "--party", party, "--role", role,
         "--password-stdin", "--dir", directory],
        input=password.encode(), check=True, capture_output=True,
    )  # fmt: skip


@contextmanager
def running_demo(base: Path) -> Iterator[Demo]:
    """`liaison demo --json` in `base`, with auditor-ottawa and admin-ottawa added, for the block."""
    port = free_ports(2)
    process = subprocess.Popen(
        [sys.executable, "-m", "liaison", "demo", "--dir", str(base), "--port-base", str(port),
         "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        nodes = orjson.loads(process.stdout.readline())["nodes"]
        password = secrets.token_urlsafe(16)
        for name, role in (("auditor-ottawa", "auditor"), ("admin-ottawa", "admin")):
            _add_user(nodes["ottawa"]["dir"], name, "ca", role, password)
        yield Demo(nodes, password)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the block."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser: Browser) -> Page:
    """A page in a fresh context (its own cookies) with axe-core injected before page scripts."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def sign_in(page: Page, base_url: str, user: str, password: str) -> None:
    """Sign in through the login form and land on the live feed."""
    page.goto(f"{base_url}/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/feed")


def check_accessibility(page: Page, name: str) -> None:
    """Run axe-core on the page: no serious or critical violation."""
    violations = page.evaluate(_AXE_RUN)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert blocking == [], f"{name}: {blocking}"


def check_page(page: Page, name: str) -> None:
    """`check_accessibility`, then save the page's screenshot as docs/screenshots/NAME.png."""
    check_accessibility(page, name)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
