"""The dev stack's IAM: JWT access tokens, refresh, token exchange (devstack/iam)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


@pytest.fixture(scope="module")
def iam(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam")["iam"]


def token_request(iam: dict[str, Any], **data: str) -> httpx.Response:
    return httpx.post(
        iam["token_endpoint"], auth=(iam["client_id"], iam["client_secret"]), data=data, timeout=10
    )


def password_grant(iam: dict[str, Any], user: str = "jdoe", scope: str | None = None) -> dict[str, Any]:
    response = token_request(
        iam,
        grant_type="password",
        username=user,
        password=iam["users"][user]["password"],
        scope=scope or iam["scope"],
    )
    assert response.status_code == 200, response.text
    return response.json()


def verify(iam: dict[str, Any], token: str, audience: str | None = None) -> dict[str, Any]:
    """Claims of a token whose RS256 signature checks against the published JWKS."""
    key = jwt.PyJWKClient(iam["jwks_uri"], cache_keys=False).get_signing_key_from_jwt(token)
    return jwt.decode(
        token, key.key, algorithms=["RS256"], issuer=iam["issuer"], audience=audience or iam["client_id"]
    )


def test_discovery_publishes_the_endpoints_and_grants(iam: dict[str, Any]) -> None:
    doc = httpx.get(iam["discovery_url"], timeout=10).json()
    assert doc["issuer"] == iam["issuer"]
    assert doc["token_endpoint"] == iam["token_endpoint"]
    assert doc["jwks_uri"] == iam["jwks_uri"]
    assert {"password", "refresh_token", "client_credentials", EXCHANGE} <= set(doc["grant_types_supported"])


def test_password_grant_gives_a_signed_jwt_with_iam_claims(iam: dict[str, Any]) -> None:
    token = password_grant(iam)
    assert token["token_type"] == "Bearer"
    assert "refresh_token" in token and "id_token" in token
    claims = verify(iam, token["access_token"])
    user = iam["users"]["jdoe"]
    assert claims["sub"] == user["sub"]
    assert claims["preferred_username"] == "jdoe"
    assert claims["email"] == user["email"]
    assert claims["name"]
    assert claims["groups"] == user["groups"]
    assert claims["wlcg.ver"] == "1.0"
    assert "offline_access" in claims["scope"].split()
    assert claims["exp"] - claims["iat"] == iam["access_token_lifetime"] == token["expires_in"]
    assert jwt.get_unverified_header(token["access_token"])["alg"] == "RS256"


def test_a_tampered_token_fails_signature_verification(iam: dict[str, Any]) -> None:
    header, payload, signature = password_grant(iam)["access_token"].split(".")
    claims = json.loads(jwt.utils.base64url_decode(payload))
    claims["preferred_username"] = "root"
    forged = ".".join([header, jwt.utils.base64url_encode(json.dumps(claims).encode()).decode(), signature])
    with pytest.raises(jwt.InvalidSignatureError):
        verify(iam, forged)


def test_wrong_credentials_are_refused(iam: dict[str, Any]) -> None:
    wrong_password = token_request(iam, grant_type="password", username="jdoe", password="nope")
    assert wrong_password.status_code == 400, wrong_password.text
    assert wrong_password.json()["error"] == "invalid_grant"
    wrong_secret = httpx.post(
        iam["token_endpoint"],
        auth=(iam["client_id"], "nope"),
        data={"grant_type": "client_credentials"},
        timeout=10,
    )
    assert wrong_secret.status_code == 401, wrong_secret.text
    assert wrong_secret.json()["error"] == "invalid_client"


def test_no_refresh_token_without_offline_access(iam: dict[str, Any]) -> None:
    token = password_grant(iam, scope="openid profile")
    assert "refresh_token" not in token


def test_client_credentials_token_has_the_client_as_subject(iam: dict[str, Any]) -> None:
    response = token_request(iam, grant_type="client_credentials")
    assert response.status_code == 200, response.text
    claims = verify(iam, response.json()["access_token"])
    assert claims["sub"] == iam["client_id"]


def test_token_exchange_gives_a_token_for_the_requested_audience(iam: dict[str, Any]) -> None:
    subject = password_grant(iam)["access_token"]
    response = token_request(
        iam,
        grant_type=EXCHANGE,
        subject_token=subject,
        subject_token_type=ACCESS_TOKEN_TYPE,
        audience="reana",
        scope="openid reana",
    )
    assert response.status_code == 200, response.text
    exchanged = response.json()
    assert exchanged["issued_token_type"] == ACCESS_TOKEN_TYPE
    claims = verify(iam, exchanged["access_token"], audience="reana")
    assert claims["aud"] == "reana"
    assert claims["scope"] == "openid reana"
    assert claims["sub"] == iam["users"]["jdoe"]["sub"]
    with pytest.raises(jwt.InvalidAudienceError):
        verify(iam, exchanged["access_token"], audience=iam["client_id"])


def test_token_exchange_refuses_a_token_it_did_not_issue(iam: dict[str, Any]) -> None:
    response = token_request(
        iam,
        grant_type=EXCHANGE,
        subject_token="not.a.token",
        subject_token_type=ACCESS_TOKEN_TYPE,
        audience="rucio",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"


# --- expiry and refresh, on a second IAM with a 2-second token lifetime -------------------

LIFETIME = 2


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_iam(home: Path, port: int) -> subprocess.Popen:
    stack_home = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")).resolve()
    env = {
        **os.environ,
        "VRE_DEVSTACK_HOME": str(home),
        "VRE_IAM_PORT": str(port),
        "VRE_IAM_TOKEN_LIFETIME": str(LIFETIME),
    }
    proc = subprocess.Popen(
        [
            str(stack_home / "venvs" / "services" / "bin" / "python"),
            str(REPO / "devstack" / "iam" / "server.py"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=1).is_success:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(
                f"short-lived IAM on port {port} did not answer within 20 s (exit code {proc.poll()})"
            )
        time.sleep(0.1)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture
def short_iam(devstack_up: Any, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A second IAM (own port and data directory) whose access tokens live LIFETIME seconds."""
    devstack_up("iam")  # its venv and code are set up
    port = free_port()
    procs = [start_iam(tmp_path, port)]
    facts = json.loads((tmp_path / "services" / "iam.json").read_text())

    def restart() -> None:
        stop(procs[-1])
        procs.append(start_iam(tmp_path, port))

    try:
        yield {**facts, "restart": restart}
    finally:
        for proc in procs:
            stop(proc)


def wait_until_expired(iam: dict[str, Any], token: str) -> None:
    deadline = time.monotonic() + LIFETIME + 10
    while time.monotonic() < deadline:
        try:
            verify(iam, token)
        except jwt.ExpiredSignatureError:
            return
        time.sleep(0.2)
    pytest.fail(f"access token still valid {LIFETIME + 10} s after issue (lifetime {LIFETIME} s)")


def test_access_token_expires_and_the_refresh_token_renews_it(short_iam: dict[str, Any]) -> None:
    iam = short_iam
    assert iam["access_token_lifetime"] == LIFETIME
    first = password_grant(iam)
    verify(iam, first["access_token"])
    wait_until_expired(iam, first["access_token"])

    userinfo = httpx.get(
        iam["userinfo_endpoint"], headers={"Authorization": f"Bearer {first['access_token']}"}
    )
    assert userinfo.status_code == 401, "the IAM itself must refuse the expired token"
    exchange = token_request(
        iam,
        grant_type=EXCHANGE,
        subject_token=first["access_token"],
        subject_token_type=ACCESS_TOKEN_TYPE,
        audience="rucio",
    )
    assert exchange.status_code == 400 and exchange.json()["error"] == "invalid_grant"

    refreshed = token_request(iam, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    claims = verify(iam, refreshed.json()["access_token"])
    assert claims["sub"] == iam["users"]["jdoe"]["sub"]
    assert claims["exp"] > jwt.decode(first["access_token"], options={"verify_signature": False})["exp"]


def test_refresh_tokens_and_signing_key_survive_a_restart(short_iam: dict[str, Any]) -> None:
    iam = short_iam
    first = password_grant(iam)
    kid = jwt.get_unverified_header(first["access_token"])["kid"]
    bad = token_request(iam, grant_type="refresh_token", refresh_token="made-up")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"

    iam["restart"]()
    refreshed = token_request(iam, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert jwt.get_unverified_header(refreshed.json()["access_token"])["kid"] == kid
    verify(iam, refreshed.json()["access_token"])
