"""The dev IAM's browser login (authorization code + PKCE) and refresh-token revocation, over real HTTP."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest

pytestmark = pytest.mark.integration

HUB_CLIENT = "vre-hub"
REDIRECT = "http://127.0.0.1:8190/hub/oauth_callback"


@pytest.fixture(scope="module")
def iam(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam")["iam"]


def hub_secret(iam: dict[str, Any]) -> str:
    return iam["clients"][HUB_CLIENT]["secret"]


def authorize_url(iam: dict[str, Any], challenge: str, redirect: str = REDIRECT) -> str:
    query = {
        "response_type": "code",
        "client_id": HUB_CLIENT,
        "redirect_uri": redirect,
        "scope": "openid profile email offline_access",
        "state": "s-123",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return f"{iam['authorization_endpoint']}?{urlencode(query)}"


def browser_login(iam: dict[str, Any], user: str, password: str | None = None) -> dict[str, Any]:
    """What a browser does: open the login page, post the form, follow the redirect's code to /token."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    url = authorize_url(iam, challenge)
    page = httpx.get(url, timeout=10)
    assert page.status_code == 200
    assert re.search(r'<input name="username"', page.text) and 'type="password"' in page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text)
    assert action
    posted = httpx.post(
        iam["issuer"] + action.group(1).replace("&amp;", "&"),
        data={"username": user, "password": password or iam["users"][user]["password"]},
        timeout=10,
    )
    assert posted.status_code == 302, posted.text
    target = urlparse(posted.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == REDIRECT
    query = parse_qs(target.query)
    assert query["state"] == ["s-123"]
    tokens = httpx.post(
        iam["token_endpoint"],
        auth=(HUB_CLIENT, hub_secret(iam)),
        data={
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        timeout=10,
    )
    assert tokens.status_code == 200, tokens.text
    return tokens.json()


def refresh(iam: dict[str, Any], refresh_token: str) -> httpx.Response:
    return httpx.post(
        iam["token_endpoint"],
        auth=(HUB_CLIENT, hub_secret(iam)),
        data={"grant_type": "refresh_token", "refresh_token": refresh_token},
        timeout=10,
    )


def test_discovery_names_the_browser_login_and_revocation(iam: dict[str, Any]) -> None:
    doc = httpx.get(iam["discovery_url"], timeout=10).json()
    assert doc["authorization_endpoint"] == iam["authorization_endpoint"]
    assert doc["revocation_endpoint"] == iam["revocation_endpoint"]
    assert "authorization_code" in doc["grant_types_supported"]
    assert "S256" in doc["code_challenge_methods_supported"]


def test_code_flow_through_the_login_form_gives_the_users_tokens(iam: dict[str, Any]) -> None:
    tokens = browser_login(iam, "asmith")
    assert {"access_token", "refresh_token", "id_token"} <= set(tokens)
    userinfo = httpx.get(
        iam["userinfo_endpoint"], headers={"Authorization": f"Bearer {tokens['access_token']}"}, timeout=10
    ).json()
    assert userinfo["preferred_username"] == "asmith"
    assert userinfo["sub"] == iam["users"]["asmith"]["sub"]
    assert refresh(iam, tokens["refresh_token"]).status_code == 200


def test_wrong_password_stays_on_the_login_page(iam: dict[str, Any]) -> None:
    url = authorize_url(iam, "x" * 43)
    answer = httpx.post(url, data={"username": "jdoe", "password": "asmith-password"}, timeout=10)
    assert answer.status_code == 401
    assert "Wrong username or password." in answer.text
    assert "location" not in answer.headers


def test_an_unregistered_redirect_uri_is_refused_without_redirecting(iam: dict[str, Any]) -> None:
    url = authorize_url(iam, "x" * 43, redirect="http://evil.example.org/hub/oauth_callback")
    answer = httpx.post(url, data={"username": "jdoe", "password": "jdoe-password"}, timeout=10)
    assert answer.status_code == 400
    assert "location" not in answer.headers


def test_a_code_is_single_use_and_needs_the_pkce_verifier(iam: dict[str, Any]) -> None:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    posted = httpx.post(
        authorize_url(iam, challenge), data={"username": "jdoe", "password": "jdoe-password"}, timeout=10
    )
    code = parse_qs(urlparse(posted.headers["location"]).query)["code"][0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    auth = (HUB_CLIENT, hub_secret(iam))
    wrong = httpx.post(iam["token_endpoint"], auth=auth, data={**form, "code_verifier": "y" * 50}, timeout=10)
    assert wrong.status_code == 400 and wrong.json()["error"] == "invalid_grant"
    right = httpx.post(iam["token_endpoint"], auth=auth, data={**form, "code_verifier": verifier}, timeout=10)
    assert right.status_code == 200, right.text
    again = httpx.post(iam["token_endpoint"], auth=auth, data={**form, "code_verifier": verifier}, timeout=10)
    assert again.status_code == 400


def test_rfc7009_revocation_ends_that_refresh_token_only(iam: dict[str, Any]) -> None:
    first, second = browser_login(iam, "jdoe"), browser_login(iam, "jdoe")
    revoked = httpx.post(
        iam["revocation_endpoint"],
        auth=(HUB_CLIENT, hub_secret(iam)),
        data={"token": first["refresh_token"], "token_type_hint": "refresh_token"},
        timeout=10,
    )
    assert revoked.status_code == 200
    refused = refresh(iam, first["refresh_token"])
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    assert refresh(iam, second["refresh_token"]).status_code == 200


def test_the_admin_revokes_every_refresh_token_of_one_user(iam: dict[str, Any]) -> None:
    jdoe, asmith = browser_login(iam, "jdoe"), browser_login(iam, "asmith")
    url = iam["revoke_user_url"].format(username="jdoe")
    assert httpx.post(url, auth=("admin", "wrong"), timeout=10).status_code == 401
    answer = httpx.post(url, auth=("admin", iam["admin_secret"]), timeout=10)
    assert answer.status_code == 200
    assert answer.json()["revoked_refresh_tokens"] >= 1
    assert refresh(iam, jdoe["refresh_token"]).status_code == 400
    assert refresh(iam, asmith["refresh_token"]).status_code == 200
