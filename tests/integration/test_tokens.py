"""vre_common's IAM token manager against the dev stack's real OIDC provider."""

from __future__ import annotations

import asyncio
import json
import socket
import time
from typing import Any

import pytest
from devstack_jupyter_config import iam_login

from vre_common.errors import BackendError, BackendTimeout, Forbidden, NotAuthenticated
from vre_common.tokens import TokenManager, TokenSettings


@pytest.fixture(scope="module")
def iam(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("iam")["iam"]


def refreshing_manager(
    iam: dict[str, Any], refresh_token: str, clock: Any = time.time, **settings: Any
) -> TokenManager:
    """A manager configured as an admin would for refresh (no env token, no file)."""
    return TokenManager(
        TokenSettings(
            env_var="VRE_TEST_UNSET_TOKEN",
            issuer=iam["issuer"],
            client_id=iam["client_id"],
            client_secret=iam["client_secret"],
            refresh_token=refresh_token,
            **{"refresh_margin": 15, **settings},
        ),
        clock=clock,
    )


class Clock:
    """Real time plus an offset, so a test can stand just before a token's expiry."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


async def test_refresh_happens_ahead_of_expiry_and_only_then(iam):
    clock = Clock()
    manager = refreshing_manager(iam, iam_login(iam)["refresh_token"], clock=clock)
    try:
        first = await manager.access_token()
        assert first.claims["preferred_username"] == "jdoe"
        assert (await manager.access_token()).value == first.value
        assert manager.refresh_count == 1, "a fresh token is reused"

        # 16 s before expiry, outside the 15 s margin: still reused.
        clock.offset = first.expires_at - time.time() - 16
        await manager.access_token()
        assert manager.refresh_count == 1
        # 14 s before expiry, inside the margin: refreshed before it expires.
        clock.offset = first.expires_at - time.time() - 14
        second = await manager.access_token()
        assert manager.refresh_count == 2
        assert second.expires_at >= first.expires_at
        assert second.claims["sub"] == first.claims["sub"]
    finally:
        await manager.close()


async def test_a_margin_as_long_as_the_token_renews_at_a_third_of_its_life(iam):
    """The dev stack's tokens live 60 s; a 60 s margin must not mean a refresh on every call."""
    clock = Clock()
    manager = refreshing_manager(iam, iam_login(iam)["refresh_token"], clock=clock, refresh_margin=60)
    try:
        first = await manager.access_token()
        lifetime = first.expires_at - first.claims["iat"]
        assert (await manager.access_token()).value == first.value
        clock.offset = first.expires_at - time.time() - lifetime / 3 - 1
        await manager.access_token()
        assert manager.refresh_count == 1
        clock.offset = first.expires_at - time.time() - lifetime / 3 + 1
        await manager.access_token()
        assert manager.refresh_count == 2
    finally:
        await manager.close()


async def test_fifty_concurrent_callers_cause_one_refresh(iam):
    manager = refreshing_manager(iam, iam_login(iam)["refresh_token"])
    try:
        tokens = await asyncio.gather(*(manager.access_token() for _ in range(50)))
        assert manager.refresh_count == 1
        assert len({t.value for t in tokens}) == 1
    finally:
        await manager.close()


async def test_a_rewritten_token_file_is_picked_up(iam, tmp_path):
    token_file = tmp_path / "access_token"
    token_file.write_text(iam_login(iam, "jdoe")["access_token"])
    manager = TokenManager(TokenSettings(env_var="VRE_TEST_UNSET_TOKEN", token_file=str(token_file)))
    identity, state = await manager.state()
    assert (identity.username, state.source) == ("jdoe", "file")

    token_file.write_text(iam_login(iam, "asmith")["access_token"] + "\n")  # the hub rewrites it
    identity, _ = await manager.state()
    assert identity.username == "asmith"


async def test_exchange_gives_each_service_its_own_audience(iam):
    manager = refreshing_manager(
        iam,
        iam_login(iam)["refresh_token"],
        exchange={"rucio": {"audience": "rucio"}, "reana": {"audience": "reana", "scope": "openid reana"}},
    )
    try:
        rucio = await manager.token_for("rucio")
        reana = await manager.token_for("reana")
        assert rucio.claims["aud"] == "rucio"
        assert reana.claims["aud"] == "reana"
        assert "reana" in reana.claims["scope"].split()
        assert rucio.claims["sub"] == reana.claims["sub"]
        assert (await manager.token_for("rucio")).value == rucio.value
        assert manager.exchange_count == 2, "exchanged tokens are cached per audience"
        plain = await manager.token_for("zenodo")
        assert plain.value == (await manager.access_token()).value, "no exchange configured: the access token"
    finally:
        await manager.close()


async def test_exchange_refused_is_a_clear_error(iam):
    manager = refreshing_manager(
        iam,
        iam_login(iam)["refresh_token"],
        exchange={"rucio": {"audience": "rucio", "scope": "not-allowed"}},
    )
    try:
        with pytest.raises(Forbidden) as err:
            await manager.token_for("rucio")
        assert err.value.code == "exchange_refused"
        assert "rucio" in err.value.message
    finally:
        await manager.close()


async def test_a_refused_refresh_token_says_log_in_again(iam):
    manager = refreshing_manager(iam, "not-a-refresh-token")
    try:
        with pytest.raises(NotAuthenticated) as err:
            await manager.access_token()
        assert err.value.code == "refresh_refused"
        assert "log in" in err.value.message
    finally:
        await manager.close()


async def test_an_expired_token_that_cannot_be_refreshed(iam, monkeypatch):
    token = iam_login(iam)["access_token"]
    monkeypatch.setenv("VRE_TEST_TOKEN", token)
    manager = TokenManager(TokenSettings(env_var="VRE_TEST_TOKEN"), clock=lambda: time.time() + 3600)
    with pytest.raises(NotAuthenticated) as err:
        await manager.access_token()
    assert err.value.code == "token_expired"


async def test_issuer_down_is_a_bad_gateway(iam):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    manager = refreshing_manager({**iam, "issuer": f"http://127.0.0.1:{port}"}, "x")
    with pytest.raises(BackendError) as err:
        await manager.access_token()
    assert (err.value.status, err.value.backend) == (502, "IAM")
    _, state = await manager.state()
    assert state.error.error == "backend_error"
    await manager.close()


async def test_issuer_hanging_is_a_timeout(iam):
    with socket.socket() as sock:  # accepts connections, never answers
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        port = sock.getsockname()[1]
        manager = refreshing_manager({**iam, "issuer": f"http://127.0.0.1:{port}"}, "x", timeout=0.5)
        started = time.monotonic()
        with pytest.raises(BackendTimeout) as err:
            await manager.access_token()
        assert time.monotonic() - started < 5
        assert (err.value.status, err.value.backend) == (504, "IAM")
        await manager.close()


class TestAuthStatusEndpoint:
    """`GET /vre/api/auth/status` of a server whose hub writes a real IAM token to a file."""

    @pytest.fixture
    def access_token(self, iam):
        return iam_login(iam, "jdoe")["access_token"]

    @pytest.fixture
    def jp_server_config(self, jp_server_config, access_token, tmp_path):
        token_file = tmp_path / "iam-token"
        token_file.write_text(access_token)
        return {
            **jp_server_config,
            "IAMTokens": {"token_file": str(token_file), "access_token_env": "VRE_TEST_UNSET_TOKEN"},
            "RucioExtension": {
                "instances": [
                    {"name": "devstack", "rucio_base_url": "http://127.0.0.1:9", "mode": "download"}
                ]
            },
            "ReanaExtension": {"server_url": "http://127.0.0.1:9"},
        }

    async def test_shows_identity_expiry_and_connections_never_the_token(self, jp_fetch, access_token):
        body = (await jp_fetch("vre", "api", "auth", "status")).body.decode()
        status = json.loads(body)
        assert status["identity"]["username"] == "jdoe"
        assert status["identity"]["email"]
        assert status["token"]["source"] == "file"
        assert status["token"]["expires_at"]
        services = {(s["service"], s["instance"]): s for s in status["services"]}
        assert services["rucio", "devstack"]["connected"] is True
        assert services["rucio", "devstack"]["source"] == "iam"
        assert services["reana", "default"]["connected"] is False
        assert access_token not in body
        assert access_token.split(".")[1] not in body, "not even the JWT payload"
