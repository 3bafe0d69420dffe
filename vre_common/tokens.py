"""One IAM token manager for the three extensions.

Sources, tried in this order: an access token in an environment variable (as
JupyterHub passes it), a token file the hub rewrites (re-read when it
changes), and a refresh token with the IAM client's id and secret (token
endpoint found by OIDC discovery). Refreshes happen ahead of expiry and only
once however many requests wait for them. Per-service tokens come from RFC 8693
token exchange where an audience is configured, else the plain access token.

With `source="hub"` the manager uses none of those: it reads the access token and
the exchanged tokens from the user's own auth state through the Hub API (with the
server's `JUPYTERHUB_API_TOKEN`), where the hub's authenticator keeps them fresh
(vre_common/hub_auth.py). This server then holds no client secret and no usable
refresh token.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import httpx

from .credentials import Secret
from .errors import BackendError, BackendTimeout, Forbidden, NotAuthenticated, VREError
from .models import ErrorResponse, Identity, TokenState

EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105 (a URN, not a secret)


@dataclass(frozen=True)
class TokenSettings:
    env_var: str = "ACCESS_TOKEN"
    token_file: str = ""
    issuer: str = ""
    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    refresh_margin: float = 60.0
    timeout: float = 10.0
    # service -> {"audience": ..., "scope": ...}
    exchange: dict[str, dict[str, str]] = field(default_factory=dict)
    # "" for env/file/refresh; "hub" to read the tokens from the Hub API
    source: str = ""
    hub_api_url: str = ""
    hub_api_token: str = field(default="", repr=False)
    hub_user: str = ""
    hub_login_url: str = ""


@dataclass(frozen=True)
class AccessToken:
    value: Secret = field(repr=False)
    source: str
    expires_at: float | None  # seconds since the epoch; None when unknown
    claims: dict[str, Any] = field(default_factory=dict)

    def expires_within(self, seconds: float, now: float) -> bool:
        return self.expires_at is not None and self.expires_at - now <= seconds

    def due_for_renewal(self, margin: float, now: float) -> bool:
        """Within `margin` of expiry, or of a third of its lifetime for short-lived tokens.

        Without the cap, a margin as long as the token's lifetime (60 s for both is
        easy to configure) would renew it on every call.
        """
        issued_at = self.claims.get("iat")
        if self.expires_at is not None and isinstance(issued_at, int | float):
            margin = min(margin, (self.expires_at - issued_at) / 3)
        return self.expires_within(margin, now)


def jwt_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (only for display and expiry); {} for opaque tokens."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return {}
    return claims if isinstance(claims, dict) else {}


class SigninRequired(NotAuthenticated):
    """The hub cannot renew the user's tokens: the user signs in to the hub again (link in the answer)."""

    code = "signin_required"

    def __init__(self, message: str, login_url: str) -> None:
        super().__init__(message)
        self.login_url = login_url

    def to_json(self) -> dict[str, str]:
        return {**super().to_json(), "login_url": self.login_url}


# Ask the hub again at most this often while it hands out a token that is due but still valid.
HUB_RECHECK_SECONDS = 1.0


def _make_token(value: str, source: str, expires_in: float | None = None) -> AccessToken:
    claims = jwt_claims(value)
    expires_at = claims.get("exp")
    if not isinstance(expires_at, int | float):
        expires_at = time.time() + expires_in if expires_in else None
    return AccessToken(Secret(value), source, expires_at, claims)


class TokenManager:
    def __init__(self, settings: TokenSettings, clock: Any = time.time) -> None:
        self.settings = settings
        self._clock = clock
        self._refresh_token = settings.refresh_token
        self._http: httpx.AsyncClient | None = None
        self._token_endpoint: str | None = None
        self._refresh_lock = asyncio.Lock()
        self._refreshed: AccessToken | None = None
        self._file_token: AccessToken | None = None
        self._file_stamp: tuple[float, int] | None = None
        self._exchanged: dict[str, AccessToken] = {}
        self._exchange_locks: dict[str, asyncio.Lock] = {}
        self.refresh_count = 0  # how many refresh calls reached the issuer
        self.exchange_count = 0
        self._hub_lock = asyncio.Lock()
        self._hub_tokens: dict[str, AccessToken] = {}  # "" = the access token, else a service
        self._hub_checked = 0.0
        self.hub_count = 0  # how many reads reached the Hub API

    # --- configuration ----------------------------------------------------------
    @property
    def can_refresh(self) -> bool:
        s = self.settings
        return bool(s.issuer and s.client_id and self._refresh_token)

    @property
    def from_hub(self) -> bool:
        return self.settings.source == "hub"

    @property
    def configured(self) -> bool:
        if self.from_hub:
            return bool(self.settings.hub_api_url and self.settings.hub_api_token)
        return bool(os.environ.get(self.settings.env_var) or self.settings.token_file or self.can_refresh)

    # --- sources ----------------------------------------------------------------
    def _from_env(self) -> AccessToken | None:
        value = os.environ.get(self.settings.env_var, "").strip()
        return _make_token(value, "environment") if value else None

    def _from_file(self) -> AccessToken | None:
        if not self.settings.token_file:
            return None
        path = Path(self.settings.token_file)
        try:
            stat = path.stat()
            stamp = (stat.st_mtime, stat.st_size)
            if stamp != self._file_stamp:  # the hub rewrote it
                value = path.read_text().strip()
                self._file_token = _make_token(value, "file") if value else None
                self._file_stamp = stamp
        except OSError:
            return None
        return self._file_token

    async def access_token(self) -> AccessToken:
        """A usable IAM access token, refreshed if it is about to expire."""
        if self.from_hub:
            return await self._hub_token("")
        now = self._clock()
        margin = self.settings.refresh_margin
        expiring: AccessToken | None = None
        for token in (self._from_env(), self._from_file()):
            if token is None:
                continue
            if not token.due_for_renewal(margin, now):
                return token
            expiring = expiring or token
        if self.can_refresh:
            return await self._refreshed_token()
        if expiring and not expiring.expires_within(0, now):
            return expiring
        if expiring:
            raise NotAuthenticated(
                "Your IAM token has expired and cannot be renewed here: log in to the hub again.",
                code="token_expired",
            )
        raise NotAuthenticated(
            "No IAM token is configured: your hub admin sets one (see the admin guide, 'token sources').",
            code="no_token",
        )

    async def _refreshed_token(self) -> AccessToken:
        async with self._refresh_lock:  # single flight: waiters find the fresh token
            current = self._refreshed
            if current and not current.due_for_renewal(self.settings.refresh_margin, self._clock()):
                return current
            answer = await self._token_request(
                {"grant_type": "refresh_token", "refresh_token": self._refresh_token},
                refused="IAM refused to renew your token: log in to the hub again.",
                refused_error=NotAuthenticated,
                refused_code="refresh_refused",
            )
            self.refresh_count += 1
            self._refresh_token = answer.get("refresh_token") or self._refresh_token
            self._refreshed = _make_token(answer["access_token"], "refresh", answer.get("expires_in"))
            return self._refreshed

    def forget(self, service: str) -> None:
        """Drop the token cached for `service` (a backend refused it): the next `token_for` makes a new one."""
        if self.from_hub:
            self._hub_tokens.clear()
        elif service in self.settings.exchange:
            self._exchanged.pop(service, None)
        else:
            self._refreshed = None

    async def token_for(self, service: str) -> AccessToken:
        """A token made for `service` by token exchange, or the access token when none is configured."""
        if self.from_hub:
            return await self._hub_token(service if service in self.settings.exchange else "")
        wanted = self.settings.exchange.get(service)
        if not wanted:
            return await self.access_token()
        lock = self._exchange_locks.setdefault(service, asyncio.Lock())
        async with lock:
            cached = self._exchanged.get(service)
            if cached and not cached.due_for_renewal(self.settings.refresh_margin, self._clock()):
                return cached
            subject = await self.access_token()
            form = {
                "grant_type": EXCHANGE_GRANT,
                "subject_token": str(subject.value),
                "subject_token_type": ACCESS_TOKEN_TYPE,
                "requested_token_type": ACCESS_TOKEN_TYPE,
            }
            form.update({k: v for k, v in wanted.items() if k in ("audience", "scope") and v})
            answer = await self._token_request(
                form,
                refused=f"IAM refused a token for {service}",
                refused_error=Forbidden,
                refused_code="exchange_refused",
            )
            self.exchange_count += 1
            token = _make_token(answer["access_token"], f"exchange:{service}", answer.get("expires_in"))
            self._exchanged[service] = token
            return token

    # --- the hub source -----------------------------------------------------------
    def _signin_required(self, why: str) -> SigninRequired:
        return SigninRequired(
            f"{why}: sign in to the hub again (this tab goes on working once you have).",
            self.settings.hub_login_url,
        )

    async def _hub_token(self, key: str) -> AccessToken:
        """The hub's current token for `key`, cached until near expiry; one Hub API call at a time."""
        async with self._hub_lock:
            cached = self._hub_tokens.get(key)
            now = self._clock()
            margin = self.settings.refresh_margin
            if cached and not cached.due_for_renewal(margin, now):
                return cached
            if cached and not cached.expires_within(0, now) and now - self._hub_checked < HUB_RECHECK_SECONDS:
                return cached  # the hub renewed nothing a moment ago: use it while it is valid
            await self._read_hub()
            fresh = self._hub_tokens.get(key)
            if fresh is None:
                if key:
                    raise Forbidden(f"The hub holds no token for {key}: ask your hub admin.", code="no_token")
                raise self._signin_required("The hub holds no IAM token for you")
            if fresh.expires_within(0, self._clock()):
                raise self._signin_required("Your IAM session has ended and the hub cannot renew it")
            return fresh

    async def _read_hub(self) -> None:
        """Read the user's auth state (the hub renews it first, `auth_refresh_age`)."""
        s = self.settings
        url = f"{s.hub_api_url.rstrip('/')}/users/{s.hub_user}"
        try:
            response = await self._client().get(url, headers={"Authorization": f"token {s.hub_api_token}"})
        except httpx.TimeoutException:
            raise BackendTimeout("JupyterHub", f"the Hub API did not answer within {s.timeout:g} s") from None
        except httpx.HTTPError:
            raise BackendError("JupyterHub", "cannot reach the Hub API") from None
        self.hub_count += 1
        self._hub_checked = self._clock()
        if response.status_code in (401, 403):
            raise self._signin_required(f"The hub refused this server's token ({response.status_code})")
        if response.status_code != 200:
            raise BackendError("JupyterHub", f"the Hub API answered {response.status_code}")
        try:
            state = response.json().get("auth_state")
        except (ValueError, AttributeError):
            raise BackendError("JupyterHub", "the Hub API answered with no user model") from None
        if not isinstance(state, dict):
            raise BackendError(
                "JupyterHub",
                "the Hub API gave no auth_state: the hub's 'server' role needs admin:auth_state!user "
                "(see the admin guide's hub page)",
            )
        tokens: dict[str, AccessToken] = {}
        if isinstance(state.get("access_token"), str):
            tokens[""] = _make_token(state["access_token"], "hub")
        for service, entry in (state.get("exchanged") or {}).items():
            if isinstance(entry, dict) and isinstance(entry.get("access_token"), str):
                tokens[service] = _make_token(entry["access_token"], f"hub:{service}")
        self._hub_tokens = tokens  # nothing else from the auth state is kept

    # --- talking to the issuer --------------------------------------------------
    def _client(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(timeout=self.settings.timeout)
        return self._http

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            return await self._client().request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise BackendTimeout(
                "IAM", f"the issuer did not answer within {self.settings.timeout:g} s"
            ) from None
        except httpx.HTTPError:
            raise BackendError("IAM", f"cannot reach the issuer at {self.settings.issuer}") from None

    async def _discover_token_endpoint(self) -> str:
        if self._token_endpoint is None:
            url = self.settings.issuer.rstrip("/") + "/.well-known/openid-configuration"
            response = await self._call("GET", url)
            if response.status_code != 200:
                raise BackendError("IAM", f"OIDC discovery answered {response.status_code}")
            try:
                self._token_endpoint = str(response.json()["token_endpoint"])
            except (ValueError, KeyError):
                raise BackendError("IAM", "OIDC discovery has no token endpoint") from None
        return self._token_endpoint

    async def _token_request(
        self, form: dict[str, str], *, refused: str, refused_error: type[VREError], refused_code: str
    ) -> dict[str, Any]:
        endpoint = await self._discover_token_endpoint()
        response = await self._call(
            "POST", endpoint, data=form, auth=(self.settings.client_id, self.settings.client_secret)
        )
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code in (400, 401, 403):
            reason = str(answer.get("error_description") or answer.get("error") or response.status_code)
            raise refused_error(f"{refused} ({reason[:200]}).", code=refused_code)
        if response.status_code != 200 or "access_token" not in answer:
            raise BackendError("IAM", f"the token endpoint answered {response.status_code}")
        return answer

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    # --- what the UI may know -----------------------------------------------------
    async def state(self) -> tuple[Identity | None, TokenState]:
        """Who the user is and when the token expires; errors as data. Never the token."""
        if not self.configured:
            return None, TokenState(configured=False)
        try:
            token = await self.access_token()
        except VREError as err:
            error = ErrorResponse(
                error=err.code, message=err.message, login_url=getattr(err, "login_url", None)
            )
            return None, TokenState(configured=True, refreshable=self.can_refresh, error=error)
        claims = token.claims
        identity = None
        if claims.get("sub"):
            identity = Identity(
                subject=str(claims["sub"]),
                username=claims.get("preferred_username"),
                name=claims.get("name"),
                email=claims.get("email"),
                issuer=claims.get("iss"),
            )
        expires = datetime.fromtimestamp(token.expires_at, timezone.utc) if token.expires_at else None
        return identity, TokenState(
            configured=True,
            source=token.source,  # type: ignore[arg-type]
            expires_at=expires,
            refreshable=self.can_refresh,
        )
