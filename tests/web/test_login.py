"""Signing in with the TAXII server's principals: session cookie, CSRF, logout, audit."""

from __future__ import annotations

import stat

from sqlalchemy import select

from liaison.config import load_settings
from liaison.store.database import Database
from liaison.store.models import AuditEntry
from liaison.web.session import COOKIE, SECRET_FILE
from tests.web.conftest import WebNode


def test_pages_need_a_session_and_send_to_the_login_form(node: WebNode) -> None:
    pages = (
        "/feed",
        f"/objects/{node.green}",
        "/share",
        "/rfis",
        "/audit",
        "/workplan",
        "/network",
        "/fraud-rings",
    )
    for path in pages:
        answer = node.client.get(path, follow_redirects=False)
        assert answer.status_code == 303, path
        assert answer.headers["location"].startswith("/login?next=")


def test_login_sets_a_strict_httponly_cookie_and_logout_clears_it(node: WebNode) -> None:
    token = node.csrf("/login")
    answer = node.client.post(
        "/login",
        data={"username": "officer-ca", "password": "correct horse battery staple", "csrf": token},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = answer.headers["set-cookie"]
    assert f"{COOKIE}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain HTTP here; Secure over TLS
    feed = node.client.get("/feed")
    assert feed.status_code == 200 and "officer-ca" in feed.text
    assert "script-src 'self'" in feed.headers["content-security-policy"]
    node.logout()
    assert node.client.get("/feed", follow_redirects=False).status_code == 303


def test_the_session_secret_is_generated_in_the_node_directory_0600(node: WebNode) -> None:
    node.login("officer-ca")
    path = node.directory / SECRET_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_text().strip()) >= 40


def test_a_failed_login_is_refused_and_audited(node: WebNode) -> None:
    answer = node.login("officer-ca", "not the password at all")
    assert answer.status_code == 401
    assert "wrong user name or password" in answer.text
    db = Database(load_settings(node.directory).store_url)
    try:
        with db.session() as session:
            kinds = session.execute(select(AuditEntry.kind, AuditEntry.actor)).all()
    finally:
        db.dispose()
    assert ("auth.failed", "officer-ca") in kinds


def test_a_peer_node_has_no_web_session(node: WebNode) -> None:
    assert node.login("new-delhi", "").status_code in (401, 422)


def test_forms_without_the_session_token_are_refused(node: WebNode) -> None:
    node.login("officer-ca")
    assert node.client.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert node.client.get("/feed").status_code == 200  # still signed in


def test_login_without_its_form_token_is_refused(node: WebNode) -> None:
    answer = node.client.post(
        "/login", data={"username": "officer-ca", "password": "correct horse battery staple"}
    )
    assert answer.status_code == 403


def test_a_tampered_cookie_is_no_session(node: WebNode) -> None:
    node.login("officer-ca")
    value = node.client.cookies[COOKIE]
    node.client.cookies.set(COOKIE, value[:-2] + ("A" if value[-2] != "A" else "B") + value[-1])
    assert node.client.get("/feed", follow_redirects=False).status_code == 303


def test_next_is_only_followed_on_this_node(node: WebNode) -> None:
    token = node.csrf("/login?next=//evil.example/")
    answer = node.client.post(
        "/login",
        data={"username": "officer-ca", "password": "correct horse battery staple",
              "csrf": token, "next": "//evil.example/"},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.headers["location"] == "/feed"
