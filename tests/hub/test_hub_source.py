"""The `hub` token source of vre_common.tokens, against a Hub API answered in-process.

The real hub is in test_hub_tokens.py; these pin the caching, single flight and the
sign-in-again answers that are hard to time against it.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from typing import Any

import httpx
import pytest

from vre_common.config import IAMTokens
from vre_common.errors import BackendError
from vre_common.tokens import SigninRequired, TokenManager, TokenSettings


def fake_jwt(lifetime: float, **claims: Any) -> str:
    now = time.time()
    body = {"sub": "s-1", "preferred_username": "jdoe", "iat": int(now), "exp": now + lifetime, **claims}
    encode = lambda part: base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{encode({'alg': 'none'})}.{encode(body)}.sig"


class FakeHub:
    """Answers GET /hub/api/users/jdoe like JupyterHub does for a server token with admin:auth_state!user."""

    def __init__(self) -> None:
        self.calls = 0
        self.status = 200
        self.auth_state: dict[str, Any] | None = {}
        self.delay = 0.0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        assert request.url.path == "/hub/api/users/jdoe"
        assert request.headers["authorization"] == "token server-token"
        await asyncio.sleep(self.delay)
        model = {"name": "jdoe", "kind": "user"}
        if self.auth_state is not None:
            model["auth_state"] = self.auth_state
        return httpx.Response(self.status, json=model)


def manager(hub: FakeHub, exchange: dict | None = None) -> TokenManager:
    settings = TokenSettings(
        source="hub",
        hub_api_url="http://hub.invalid/hub/api",
        hub_api_token="server-token",
        hub_user="jdoe",
        hub_login_url="/hub/login",
        refresh_margin=60,
        exchange=exchange or {},
    )
    tokens = TokenManager(settings)
    tokens._http = httpx.AsyncClient(transport=httpx.MockTransport(hub))
    return tokens


async def test_the_token_is_cached_until_near_expiry_and_read_once_for_many_waiters() -> None:
    hub = FakeHub()
    hub.auth_state = {"access_token": fake_jwt(30)}
    hub.delay = 0.05
    tokens = manager(hub)
    got = await asyncio.gather(*(tokens.access_token() for _ in range(50)))
    assert hub.calls == 1
    assert {t.source for t in got} == {"hub"}
    assert len({str(t.value) for t in got}) == 1
    await tokens.access_token()
    assert hub.calls == 1  # 30 s left of 30: not due


async def test_a_due_token_is_read_again_and_the_renewed_one_is_used() -> None:
    hub = FakeHub()
    hub.auth_state = {"access_token": fake_jwt(5, iat=int(time.time()) - 25)}  # 5 s left of 30
    tokens = manager(hub)
    first = await tokens.access_token()
    hub.auth_state = {"access_token": fake_jwt(30, jti="renewed")}
    await asyncio.sleep(1.1)  # the source asks the hub at most once a second while it holds a valid token
    second = await tokens.access_token()
    assert hub.calls == 2
    assert second.claims["jti"] == "renewed" and first.claims.get("jti") is None


async def test_exchanged_tokens_come_from_the_auth_state_per_service() -> None:
    hub = FakeHub()
    hub.auth_state = {
        "access_token": fake_jwt(30),
        "exchanged": {"rucio": {"access_token": fake_jwt(30, aud="rucio"), "expires_at": 0}},
    }
    tokens = manager(hub, exchange={"rucio": {"audience": "rucio"}})
    rucio = await tokens.token_for("rucio")
    assert rucio.claims["aud"] == "rucio" and rucio.source == "hub:rucio"
    reana = await tokens.token_for("reana")  # not exchanged: the access token
    assert "aud" not in reana.claims
    assert hub.calls == 1


async def test_an_expired_token_the_hub_cannot_renew_asks_to_sign_in_again() -> None:
    hub = FakeHub()
    hub.auth_state = {"access_token": fake_jwt(-1)}
    tokens = manager(hub)
    with pytest.raises(SigninRequired) as caught:
        await tokens.access_token()
    assert caught.value.status == 401
    assert caught.value.to_json() == {
        "error": "signin_required",
        "message": caught.value.message,
        "login_url": "/hub/login",
    }
    identity, state = await tokens.state()
    assert identity is None
    assert state.error is not None and state.error.error == "signin_required"
    assert state.error.login_url == "/hub/login"


async def test_a_refused_server_token_asks_to_sign_in_and_a_missing_role_is_named() -> None:
    hub = FakeHub()
    hub.status = 403
    with pytest.raises(SigninRequired):
        await manager(hub).access_token()
    hub = FakeHub()
    hub.auth_state = None  # the server role lacks admin:auth_state!user
    with pytest.raises(BackendError, match="admin:auth_state!user"):
        await manager(hub).access_token()


async def test_nothing_but_the_tokens_is_kept_from_the_auth_state() -> None:
    hub = FakeHub()
    hub.auth_state = {"access_token": fake_jwt(30), "sealed_refresh_token": "gAAAA-sealed", "id_token": "x"}
    tokens = manager(hub)
    await tokens.access_token()
    kept = json.dumps({k: str(v.value) for k, v in tokens._hub_tokens.items()})
    assert "gAAAA-sealed" not in kept and list(tokens._hub_tokens) == [""]


def test_the_config_takes_the_hub_from_the_spawners_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VRE_IAM_TOKEN_SOURCE", "hub")
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:8192/hub/api")
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "server-token")
    monkeypatch.setenv("JUPYTERHUB_USER", "jdoe")
    monkeypatch.setenv("JUPYTERHUB_BASE_URL", "/")
    settings = IAMTokens().settings()
    assert (settings.source, settings.hub_user, settings.hub_login_url) == ("hub", "jdoe", "/hub/login")
    assert TokenManager(settings).configured
    with pytest.raises(Exception, match="must be"):
        IAMTokens(source="hubb")
