"""The vendored front-end files are exactly the pinned npm releases, and pages load no CDN."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import liaison.web

STATIC = Path(liaison.web.__file__).parent / "static"
VENDOR = STATIC / "vendor"
TEMPLATES = Path(liaison.web.__file__).parent / "templates"


def test_vendored_files_match_the_manifest_and_the_lock() -> None:
    manifest = json.loads((VENDOR / "manifest.json").read_text())["files"]
    lock = json.loads((VENDOR / "package-lock.json").read_text())["packages"]
    pinned = json.loads((VENDOR / "package.json").read_text())["dependencies"]
    assert set(manifest) == {"htmx.min.js", "axe.min.js", "cytoscape.min.js"}
    for name, entry in manifest.items():
        digest = hashlib.sha256((VENDOR / name).read_bytes()).hexdigest()
        assert digest == entry["sha256"], name
        locked = lock[f"node_modules/{entry['package']}"]
        assert locked["version"] == entry["version"] == pinned[entry["package"]]
        assert locked["integrity"].startswith("sha512-")


def test_templates_load_scripts_and_styles_from_this_node_only() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), template.name
        assert "<script>" not in text and " style=" not in text and "<style" not in text, (
            template.name
        )
