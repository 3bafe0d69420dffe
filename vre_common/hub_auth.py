"""The hub side of the `hub` token source: an oauthenticator `GenericOAuthenticator` for IAM.

It runs in the JupyterHub process, never in a user's server. On top of
GenericOAuthenticator it

- renews the access token *before* it expires (oauthenticator renews only once
  the IAM refuses the old one, so a server could be handed a token with a second
  left), whenever JupyterHub calls `refresh_user` (every `auth_refresh_age`
  seconds of a user's requests, the server's Hub API calls included, and before
  a spawn with `refresh_pre_spawn`);
- makes one RFC 8693 exchanged token per configured service (Rucio, REANA...)
  and keeps it in the auth state under `exchanged.<service>`;
- seals the refresh token with the hub's own crypt key, so that a server allowed
  to read its user's auth state (`admin:auth_state!user`) reads an access token
  and exchanged tokens it can use, but no refresh token it could use elsewhere.

It imports only JupyterHub, oauthenticator and traitlets, so it also loads as a
plain file in a hub image that does not install jupyterlab-vre.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import urlencode

from jupyterhub.crypto import decrypt, encrypt
from oauthenticator.generic import GenericOAuthenticator
from traitlets import Dict, Float

EXCHANGE_GRANT = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"  # noqa: S105 (a URN)
SEALED_KEY = "sealed_refresh_token"


def jwt_times(token: str | None) -> tuple[float, float] | None:
    """(`iat`, `exp`) of a JWT, unverified: the hub only schedules renewals with them."""
    try:
        payload = str(token).split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return float(claims.get("iat", 0)), float(claims["exp"])
    except (IndexError, ValueError, KeyError, TypeError, AttributeError):
        return None


class VREOAuthenticator(GenericOAuthenticator):
    """GenericOAuthenticator that keeps IAM access tokens and exchanged tokens fresh in auth_state."""

    token_exchange = Dict(
        help='Tokens made per service by RFC 8693 exchange, e.g. {"rucio": {"audience": "rucio", '
        '"scope": "openid rucio"}}; kept in auth_state["exchanged"][service].'
    ).tag(config=True)
    renew_margin_seconds = Float(
        60,
        help="Renew a token this long before it expires (at most a third of its lifetime).",
    ).tag(config=True)

    def _due(self, token: str | None, now: float) -> bool:
        times = jwt_times(token)
        if times is None:
            return True
        issued, expires = times
        return expires - now <= min(self.renew_margin_seconds, (expires - issued) / 3)

    def _needs_renewal(self, auth_state: dict[str, Any]) -> bool:
        now = time.time()
        if self._due(auth_state.get("access_token"), now):
            return True
        exchanged = auth_state.get("exchanged") or {}
        return any(self._due((exchanged.get(s) or {}).get("access_token"), now) for s in self.token_exchange)

    async def _exchange(self, subject: str, wanted: dict[str, str]) -> dict[str, Any]:
        form = {
            "grant_type": EXCHANGE_GRANT,
            "subject_token": subject,
            "subject_token_type": ACCESS_TOKEN_TYPE,
            "requested_token_type": ACCESS_TOKEN_TYPE,
            **{k: v for k, v in wanted.items() if k in ("audience", "scope") and v},
        }
        if not self.basic_auth:  # the client authenticates as it does for the code (form or header)
            form.update(client_id=self.client_id, client_secret=self.client_secret)
        answer = await self.httpfetch(
            self.token_url,
            label="exchanging a token",
            method="POST",
            headers=self.build_token_info_request_headers(),
            body=urlencode(form).encode(),
            validate_cert=self.validate_server_cert,
        )
        token = answer["access_token"]
        times = jwt_times(token)
        return {"access_token": token, "expires_at": times[1] if times else None}

    async def build_auth_state_dict(self, token_info: dict[str, Any], user_info: dict[str, Any]) -> dict:
        state = super().build_auth_state_dict(token_info, user_info)
        refresh_token = state.pop("refresh_token", None)
        # the full token response would carry the refresh token in clear: keep only harmless fields
        state["token_response"] = {
            k: v for k, v in token_info.items() if k not in ("refresh_token", "access_token", "id_token")
        }
        state[SEALED_KEY] = (await encrypt(refresh_token)).decode() if refresh_token else None
        state["exchanged"] = {
            service: await self._exchange(token_info["access_token"], wanted)
            for service, wanted in self.token_exchange.items()
        }
        return state

    async def refresh_user(self, user: Any, handler: Any = None, **kwargs: Any) -> bool | dict:
        """True while the tokens are fresh; a new auth model after renewal; False: sign in again."""
        auth_state = await user.get_auth_state()
        if not auth_state:
            return False
        if not self._needs_renewal(auth_state):
            return True
        sealed = auth_state.get(SEALED_KEY)
        if not sealed:
            return False
        refresh_token = await decrypt(sealed.encode())
        try:
            token_info = await self.get_token_info(
                handler, self.build_refresh_token_request_params(refresh_token)
            )
            token_info.setdefault("refresh_token", refresh_token)  # IAM keeps the refresh token
            return await self._token_to_auth_model(token_info)
        except Exception as err:  # revoked/expired refresh token, IAM down: the user signs in again
            self.log.warning("Cannot renew the IAM tokens of %s (%s): sign-in required", user.name, err)
            return False
