"""The CLI end to end in subprocesses: init, import/export of real ATT&CK data, errors."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from liaison.stix.canonical import canonical_json
from tests.conftest import ATTACK_DIR
from tests.factories import indicator


def liaison(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real CLI."""
    return subprocess.run(
        [sys.executable, "-m", "liaison", *args], capture_output=True, text=True, check=check,
        env={**os.environ, "COLUMNS": "200"},
    )  # fmt: skip


def _init(tmp_path: Path) -> Path:
    node = tmp_path / "node"
    out = json.loads(
        liaison(
            "init", "--dir", str(node), "--node-name", "ottawa", "--party", "ca", "--json"
        ).stdout
    )
    assert {"dir", "node", "party", "url", "admin_token", "public_key"} <= out.keys()
    assert out["admin_token"].startswith("lsn_")
    assert stat.S_IMODE((node / "node.key").stat().st_mode) == 0o600
    assert out["admin_token"] not in (node / "liaison.db").read_bytes().decode("latin-1")
    return node


def test_import_and_export_attack_round_trip(tmp_path: Path) -> None:
    node = _init(tmp_path)
    for name, expected in (("ics-attack-18.1.json", 1826), ("mobile-attack-17.1.json", 2148)):
        source = ATTACK_DIR / name
        collection = name.split("-")[0]
        result = json.loads(
            liaison(
                "import", str(source), "-c", collection, "--create", "--dir", str(node), "--json"
            ).stdout
        )
        assert result["files"][0]["added"] == expected
        exported = tmp_path / f"{collection}.json"
        liaison("export", "-c", collection, "--output", str(exported), "--dir", str(node))
        got = json.loads(exported.read_text())["objects"]
        original = json.loads(source.read_text())["objects"]
        assert sorted(map(canonical_json, got)) == sorted(map(canonical_json, original))


def test_bundle_with_one_invalid_object_stores_nothing(tmp_path: Path) -> None:
    node = _init(tmp_path)
    broken = indicator(2)
    broken["valid_from"] = "yesterday"
    bundle = tmp_path / "b.json"
    objects = [indicator(1), broken, indicator(3)]
    bundle.write_text(
        json.dumps(
            {
                "type": "bundle",
                "id": "bundle--6b1d5a8e-3a43-4d4e-9f0a-2f6d1c1b0a11",
                "objects": objects,
            }
        )
    )
    run = liaison("import", str(bundle), "-c", "x", "--create", "--dir", str(node), check=False)
    assert run.returncode == 1
    assert broken["id"] in run.stderr and "valid_from" in run.stderr
    assert "Traceback" not in run.stderr
    exported = json.loads(
        liaison("export", "-c", "x", "--dir", str(node), check=False).stdout or "{}"
    )
    assert exported.get("objects", []) == []


def test_malformed_json_is_one_clear_line(tmp_path: Path) -> None:
    node = _init(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle",')
    run = liaison("import", str(bad), "-c", "x", "--create", "--dir", str(node), check=False)
    assert run.returncode == 1 and "malformed JSON" in run.stderr
    assert [line for line in run.stderr.splitlines() if line.startswith("error:")] == [
        line for line in run.stderr.splitlines() if "error" in line
    ]
    assert "Traceback" not in run.stderr
    debug = liaison("--debug", "import", str(bad), "-c", "x", "--dir", str(node), check=False)
    assert "Traceback" in debug.stderr


def test_version_and_env_override(tmp_path: Path) -> None:
    assert liaison("--version").stdout.startswith("liaison ")
    node = _init(tmp_path)
    env_run = subprocess.run(
        [sys.executable, "-c", "from liaison.config import load_settings; from pathlib import Path; "
         f"print(load_settings(Path('{node}')).node_name)"],
        capture_output=True, text=True, check=True, env={**os.environ, "LIAISON_NODE_NAME": "delhi"},
    )  # fmt: skip
    assert env_run.stdout.strip() == "delhi"


def _store_bytes(node: Path) -> str:
    """The SQLite store as text, write-ahead log included."""
    files = [node / "liaison.db", node / "liaison.db-wal"]
    return "".join(path.read_bytes().decode("latin-1") for path in files if path.exists())


def test_user_and_token_secrets_are_stored_hashed(tmp_path: Path) -> None:
    node = _init(tmp_path)
    password = "a long enough passphrase"
    added = subprocess.run(
        [sys.executable, "-m", "liaison", "user", "add", "asha", "--party", "ca", "--role",
         "officer", "--password-stdin", "--dir", str(node), "--json"],
        input=password + "\n", capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert json.loads(added.stdout)["has_password"] is True
    token = json.loads(liaison("token", "create", "asha", "--dir", str(node), "--json").stdout)
    stored = _store_bytes(node)
    assert password not in stored
    secret = token["token"].split("_", 2)[2]  # lsn_<id>_<secret>; the secret may hold "_"
    assert len(secret) >= 40 and secret not in stored
    assert token["id"] in stored


def test_management_errors_are_one_line(tmp_path: Path) -> None:
    node = _init(tmp_path)
    run = liaison(
        "user", "add", "ravi", "--party", "xx", "--role", "officer", "--dir", str(node),
        check=False,
    )  # fmt: skip
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip().splitlines() == [
        "error: no party 'xx' (add it with `liaison party add`)"
    ]
    assert run.stdout == ""
