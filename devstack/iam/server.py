"""A small OIDC provider for the dev stack, shaped like INDIGO IAM (built on Authlib).

FOR DEVELOPMENT ONLY. It issues RS256-signed JWT access tokens with a short,
configurable lifetime, refresh tokens (when `offline_access` is granted, as IAM
does), client-credentials tokens, password-grant tokens for the test users and
RFC 8693 token exchange with `audience`/`scope`, the authorization-code flow
(with PKCE) behind a username/password login page, and refresh-token revocation
(RFC 7009 `/revoke`, plus an admin call that revokes every refresh token of a user).

Environment: VRE_IAM_PORT (8181), VRE_IAM_HOST (127.0.0.1), VRE_IAM_ISSUER
(http://HOST:PORT), VRE_IAM_TOKEN_LIFETIME (60 s), VRE_IAM_REFRESH_TOKEN_LIFETIME
(30 days), VRE_IAM_CONFIG (clients.json beside this file), VRE_IAM_DATA_DIR
(signing key and refresh tokens; survives restarts).
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from html import escape
from pathlib import Path
from typing import Any

os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on loopback

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AuthorizationCodeMixin, ClientMixin, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError, UnauthorizedClientError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from flask import Flask, Response, jsonify, request
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"
CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
CODE_LIFETIME_S = 120
STAND_IN_HEADER = ("X-VRE-Devstack", "local IAM stand-in, for development only")


@dataclass
class User:
    username: str
    password: str
    sub: str
    name: str
    email: str
    groups: list[str] = field(default_factory=list)

    def get_user_id(self) -> str:
        return self.sub

    def claims(self) -> dict[str, Any]:
        return {
            "preferred_username": self.username,
            "name": self.name,
            "email": self.email,
            "email_verified": True,
            "groups": self.groups,
            "wlcg.groups": [f"/{group}" for group in self.groups],
        }


@dataclass
class Client(ClientMixin):
    client_id: str
    secret: str
    grant_types: list[str]
    scopes: list[str]
    # shell-style patterns, so that a dev hub on any loopback port can be registered once
    redirect_uris: list[str] = field(default_factory=list)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def _allows(self, scope: str) -> bool:
        # parametric WLCG scopes: "storage.read:/" allows "storage.read:/any/path"
        return scope in self.scopes or any(
            allowed.endswith(":/") and scope.startswith(allowed) for allowed in self.scopes
        )

    def get_allowed_scope(self, scope: str | None) -> str | None:
        if not scope:  # no scope asked: everything but offline access
            return " ".join(s for s in self.scopes if s != "offline_access")
        wanted = scope.split()
        return " ".join(wanted) if all(self._allows(s) for s in wanted) else None

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return any(fnmatchcase(redirect_uri, pattern) for pattern in self.redirect_uris)

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(self.secret, client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in CLIENT_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass
class RefreshToken:
    token: str
    client_id: str
    username: str | None
    scope: str
    expires_at: float

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope


class RefreshTokenStore:
    """Refresh tokens in a JSON file, so that they outlive a restart (as IAM's do)."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        raw = json.loads(path.read_text()) if path.exists() else {}
        self._tokens = {key: RefreshToken(**value) for key, value in raw.items()}

    def add(self, token: RefreshToken) -> None:
        with self._lock:
            now = time.time()
            self._tokens = {k: v for k, v in self._tokens.items() if v.expires_at > now}
            self._tokens[token.token] = token
            self._save()

    def get(self, token: str) -> RefreshToken | None:
        found = self._tokens.get(token)
        return found if found and found.expires_at > time.time() else None

    def remove(self, keep: Any) -> int:
        """Drop the tokens for which `keep(token)` is false; how many were dropped."""
        with self._lock:
            before = len(self._tokens)
            self._tokens = {k: v for k, v in self._tokens.items() if keep(v)}
            self._save()
            return before - len(self._tokens)

    def _save(self) -> None:
        tmp = self._path.with_suffix(".tmp")
        tmp.write_text(json.dumps({k: vars(v) for k, v in self._tokens.items()}))
        tmp.chmod(0o600)
        tmp.replace(self._path)


@dataclass
class AuthorizationCode(AuthorizationCodeMixin):
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    username: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.expires_at - CODE_LIFETIME_S)


def generated_users(spec: dict[str, Any] | None) -> dict[str, User]:
    """Numbered users for load tests (e.g. vreload01..vreload16), all with the same password."""
    if not spec:
        return {}
    users = {}
    for number in range(1, int(spec["count"]) + 1):
        name = f"{spec['prefix']}{number:02d}"
        users[name] = User(
            username=name,
            password=spec["password"],
            sub=f"{spec['sub_prefix']}1{number:011d}",  # apart from the named users' subs
            name=f"Load user {number}",
            email=f"{name}@vre.example.org",
            groups=list(spec.get("groups", [])),
        )
    return users


class Provider:
    """Users, clients, signing key, authorization codes and refresh tokens of one issuer."""

    def __init__(
        self, issuer: str, config: dict[str, Any], data_dir: Path, lifetime: int, refresh_lifetime: int
    ):
        self.issuer = issuer
        self.lifetime = lifetime
        self.refresh_lifetime = refresh_lifetime
        self.users = {name: User(username=name, **info) for name, info in config["users"].items()}
        self.users.update(generated_users(config.get("generated_users")))
        self.clients = {cid: Client(client_id=cid, **info) for cid, info in config["clients"].items()}
        data_dir.mkdir(parents=True, exist_ok=True)
        self.keys = KeySet([self._signing_key(data_dir / "signing-key.json")])
        self.refresh_tokens = RefreshTokenStore(data_dir / "refresh-tokens.json")
        self.codes: dict[str, AuthorizationCode] = {}  # short-lived and single-use: memory is enough
        self.admin_secret = str(config["admin"]["secret"])

    @staticmethod
    def _signing_key(path: Path) -> RSAKey:
        if path.exists():
            return RSAKey.import_key(json.loads(path.read_text()))
        key = RSAKey.generate_key(2048, {"use": "sig", "alg": "RS256"}, auto_kid=True)
        path.touch(mode=0o600)
        path.write_text(json.dumps(key.as_dict(private=True)))
        return key

    def user_by_sub(self, sub: str) -> User | None:
        return next((u for u in self.users.values() if u.sub == sub), None)

    def verify(self, token: str) -> dict[str, Any]:
        """Claims of a valid, unexpired access token issued here; InvalidGrantError otherwise."""
        try:
            decoded = jwt.decode(token, self.keys, algorithms=["RS256"])
            jwt.JWTClaimsRegistry(
                iss={"essential": True, "value": self.issuer}, exp={"essential": True}
            ).validate(decoded.claims)
        except (JoseError, ValueError) as exc:
            raise InvalidGrantError(f"Invalid subject token: {exc}") from exc
        return dict(decoded.claims)


class TokenGenerator(JWTBearerTokenGenerator):
    """JWT access tokens with IAM/WLCG claims; refresh and ID tokens as IAM issues them."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(
            provider.issuer,
            refresh_token_generator=lambda **_: secrets.token_urlsafe(32),
            expires_generator=lambda client, grant_type: provider.lifetime,
        )
        self.provider = provider

    def get_jwks(self) -> KeySet:
        return self.provider.keys

    def get_audiences(self, client: Client, user: User | None, scope: str) -> str | list[str]:
        audiences = [a for value in request.form.getlist("audience") for a in value.split()]
        if not audiences:
            return client.client_id
        return audiences[0] if len(audiences) == 1 else audiences

    def get_extra_claims(
        self, client: Client, grant_type: str, user: User | None, scope: str
    ) -> dict[str, Any]:
        claims: dict[str, Any] = {"wlcg.ver": "1.0", "nbf": int(time.time())}
        if user is not None:
            claims.update(user.claims())
        return claims

    def generate(
        self,
        grant_type: str,
        client: Client,
        user: User | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        token = super().generate(grant_type, client, user, scope, expires_in, include_refresh_token)
        granted = token.get("scope", "").split()
        if "offline_access" not in granted or not client.check_grant_type("refresh_token"):
            token.pop("refresh_token", None)
        if user is not None and "openid" in granted:
            now = int(time.time())
            id_claims = {
                "iss": self.issuer,
                "sub": user.sub,
                "aud": client.client_id,
                "iat": now,
                "exp": now + self.provider.lifetime,
                "auth_time": now,
                **user.claims(),
            }
            token["id_token"] = jwt.encode({"alg": "RS256"}, id_claims, self.provider.keys)
        return token


class PasswordGrant(grants.ResourceOwnerPasswordCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def authenticate_user(self, username: str, password: str) -> User:
        user = self.server.provider.users.get(username)
        if user is None or not secrets.compare_digest(user.password, password):
            raise InvalidGrantError("Bad user credentials.")  # what IAM answers (RFC 6749 5.2)
        return user


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    """The browser flow a hub uses; the user signs in on this provider's login page."""

    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        payload = request.payload
        self.server.provider.codes[code] = AuthorizationCode(
            code=code,
            client_id=request.client.client_id,
            redirect_uri=payload.redirect_uri or "",
            scope=request.client.get_allowed_scope(payload.scope) or "",
            username=request.user.username,
            nonce=payload.data.get("nonce"),
            code_challenge=payload.data.get("code_challenge"),
            code_challenge_method=payload.data.get("code_challenge_method"),
            expires_at=time.time() + CODE_LIFETIME_S,
        )

    def query_authorization_code(self, code: str, client: Client) -> AuthorizationCode | None:
        found = self.server.provider.codes.get(code)
        if found and found.client_id == client.client_id and found.expires_at > time.time():
            return found
        return None

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        self.server.provider.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> User | None:
        return self.server.provider.users.get(authorization_code.username)


class Revocation(RevocationEndpoint):
    """RFC 7009 for refresh tokens. JWT access tokens are not stored, so they run out on their own."""

    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> RefreshToken | None:
        return self.server.provider.refresh_tokens.get(token_string)

    def revoke_token(self, token: RefreshToken, request: OAuth2Request) -> None:
        self.server.provider.refresh_tokens.remove(lambda t: t.token != token.token)


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def authenticate_refresh_token(self, refresh_token: str) -> RefreshToken | None:
        return self.server.provider.refresh_tokens.get(refresh_token)

    def authenticate_user(self, refresh_token: RefreshToken) -> User | None:
        return self.server.provider.users.get(refresh_token.username or "")

    def revoke_old_credential(self, refresh_token: RefreshToken) -> None:
        """IAM keeps refresh tokens valid until they expire: nothing to revoke."""


class TokenExchangeGrant(grants.BaseGrant, grants.TokenEndpointMixin):
    """RFC 8693: trade a valid access token for one with another audience/scope."""

    GRANT_TYPE = TOKEN_EXCHANGE
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def validate_token_request(self) -> None:
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError(
                f"The client is not authorized to use 'grant_type={self.GRANT_TYPE}'"
            )
        form = self.request.form
        if not form.get("subject_token"):
            raise InvalidRequestError("Missing 'subject_token' in request.")
        if form.get("subject_token_type") != ACCESS_TOKEN_TYPE:
            raise InvalidRequestError(f"'subject_token_type' must be '{ACCESS_TOKEN_TYPE}'.")
        if form.get("requested_token_type") not in (None, ACCESS_TOKEN_TYPE):
            raise InvalidRequestError(f"Only '{ACCESS_TOKEN_TYPE}' can be requested.")
        subject = self.server.provider.verify(form["subject_token"])
        self.request.client = client
        self.request.user = self.server.provider.user_by_sub(subject["sub"])
        self.request.subject_scope = subject.get("scope", "")
        self.validate_requested_scope()

    def create_token_response(self) -> tuple[int, dict[str, Any], list[tuple[str, str]]]:
        scope = self.request.payload.scope or self.request.subject_scope
        token = self.generate_token(user=self.request.user, scope=scope)
        token["issued_token_type"] = ACCESS_TOKEN_TYPE
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


def create_app(provider: Provider) -> Flask:
    app = Flask("vre-devstack-iam")

    def save_token(token: dict[str, Any], req: OAuth2Request) -> None:
        if "refresh_token" in token:
            user = req.user
            provider.refresh_tokens.add(
                RefreshToken(
                    token=token["refresh_token"],
                    client_id=req.client.client_id,
                    username=user.username if user else None,
                    scope=token.get("scope", ""),
                    expires_at=time.time() + provider.refresh_lifetime,
                )
            )

    server = AuthorizationServer(app, query_client=provider.clients.get, save_token=save_token)
    server.provider = provider
    server.register_token_generator("default", TokenGenerator(provider))
    for grant in (PasswordGrant, ClientCredentialsGrant, RefreshTokenGrant, TokenExchangeGrant):
        server.register_grant(grant)
    server.register_grant(AuthorizationCodeGrant, [CodeChallenge(required=False)])
    server.register_endpoint(Revocation)

    @app.after_request
    def label(response: Response) -> Response:
        response.headers[STAND_IN_HEADER[0]] = STAND_IN_HEADER[1]
        return response

    @app.get("/.well-known/openid-configuration")
    def discovery():
        scopes = sorted({s for c in provider.clients.values() for s in c.scopes})
        return jsonify(
            {
                "issuer": provider.issuer,
                "authorization_endpoint": f"{provider.issuer}/authorize",
                "token_endpoint": f"{provider.issuer}/token",
                "revocation_endpoint": f"{provider.issuer}/revoke",
                "jwks_uri": f"{provider.issuer}/jwk",
                "userinfo_endpoint": f"{provider.issuer}/userinfo",
                "grant_types_supported": [
                    "authorization_code",
                    "password",
                    "refresh_token",
                    "client_credentials",
                    TOKEN_EXCHANGE,
                ],
                "token_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
                "revocation_endpoint_auth_methods_supported": CLIENT_AUTH_METHODS,
                "code_challenge_methods_supported": ["S256", "plain"],
                "scopes_supported": scopes,
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "claims_supported": [
                    "sub",
                    "iss",
                    "aud",
                    "exp",
                    "iat",
                    "preferred_username",
                    "name",
                    "email",
                    "groups",
                    "wlcg.groups",
                    "wlcg.ver",
                    "scope",
                    "client_id",
                ],
                "vre_devstack_note": STAND_IN_HEADER[1],
            }
        )

    @app.get("/jwk")
    def jwks():
        return jsonify(provider.keys.as_dict(private=False))

    @app.post("/token")
    def token():
        return server.create_token_response()

    @app.post("/revoke")
    def revoke():
        return server.create_endpoint_response(Revocation.ENDPOINT_NAME)

    @app.route("/authorize", methods=["GET", "POST"])
    def authorize():
        """The login page: GET shows the form, POST checks the password and redirects with a code."""
        try:
            grant = server.get_consent_grant(end_user=None)
        except OAuth2Error as exc:  # bad client or redirect URI: say so here, never redirect
            return login_page(error=exc.description or exc.error), 400
        if request.method == "GET":
            return login_page()
        user = provider.users.get(request.form.get("username", ""))
        if user is None or not secrets.compare_digest(user.password, request.form.get("password", "")):
            return login_page(error="Wrong username or password."), 401
        return server.create_authorization_response(grant_user=user, grant=grant)

    def login_page(error: str = "") -> str:
        # The form posts back to the same URL, so the authorization request travels in its query.
        notice = f'<p role="alert" class="error">{escape(error)}</p>' if error else ""
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - dev IAM</title></head>
<body><main>
<h1>Sign in to the dev IAM</h1>
<p>{escape(STAND_IN_HEADER[1])}</p>
{notice}
<form method="post" action="{escape(request.full_path)}">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in</button>
</form>
</main></body></html>"""

    @app.post("/admin/users/<username>/revoke")
    def revoke_user(username: str):
        """Revoke every refresh token of a user (what an IAM admin does from the user's page)."""
        auth = request.authorization
        if auth is None or not secrets.compare_digest(auth.password or "", provider.admin_secret):
            return jsonify({"error": "unauthorized", "error_description": "admin secret required"}), 401
        if username not in provider.users:
            return jsonify({"error": "not_found", "error_description": f"no user {username!r}"}), 404
        revoked = provider.refresh_tokens.remove(lambda t: t.username != username)
        return jsonify({"username": username, "revoked_refresh_tokens": revoked})

    @app.route("/userinfo", methods=["GET", "POST"])
    def userinfo():
        auth = request.headers.get("Authorization", "")
        if not auth.lower().startswith("bearer "):
            return jsonify({"error": "invalid_token", "error_description": "Bearer token required"}), 401
        try:
            claims = provider.verify(auth[7:].strip())
        except InvalidGrantError as exc:
            return jsonify({"error": "invalid_token", "error_description": exc.description}), 401
        user = provider.user_by_sub(claims["sub"])
        return jsonify({"sub": claims["sub"], **(user.claims() if user else {})})

    return app


def publish(provider: Provider, path: Path) -> None:
    """Write the facts the tests and the demo need (devstack/README.md: services/<service>.json)."""
    default = provider.clients["vre-jupyterlab"]
    facts = {
        "note": STAND_IN_HEADER[1],
        "issuer": provider.issuer,
        "discovery_url": f"{provider.issuer}/.well-known/openid-configuration",
        "authorization_endpoint": f"{provider.issuer}/authorize",
        "token_endpoint": f"{provider.issuer}/token",
        "revocation_endpoint": f"{provider.issuer}/revoke",
        "revoke_user_url": f"{provider.issuer}/admin/users/{{username}}/revoke",
        "admin_secret": provider.admin_secret,
        "jwks_uri": f"{provider.issuer}/jwk",
        "userinfo_endpoint": f"{provider.issuer}/userinfo",
        "access_token_lifetime": provider.lifetime,
        "client_id": default.client_id,
        "client_secret": default.secret,
        "scope": "openid profile email offline_access",
        "clients": {
            c.client_id: {
                "secret": c.secret,
                "grant_types": c.grant_types,
                "scopes": c.scopes,
                "redirect_uris": c.redirect_uris,
            }
            for c in provider.clients.values()
        },
        "users": {
            u.username: {"password": u.password, "sub": u.sub, "email": u.email, "groups": u.groups}
            for u in provider.users.values()
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(facts, indent=2))
    tmp.replace(path)


def main() -> None:
    from waitress import serve

    host = os.environ.get("VRE_IAM_HOST", "127.0.0.1")
    port = int(os.environ.get("VRE_IAM_PORT", "8181"))
    here = Path(__file__).resolve().parent
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", here.parent.parent / ".devstack"))
    provider = Provider(
        issuer=os.environ.get("VRE_IAM_ISSUER", f"http://{host}:{port}"),
        config=json.loads(Path(os.environ.get("VRE_IAM_CONFIG", here / "clients.json")).read_text()),
        data_dir=Path(os.environ.get("VRE_IAM_DATA_DIR", home / "data" / "iam")),
        lifetime=int(os.environ.get("VRE_IAM_TOKEN_LIFETIME", "60")),
        refresh_lifetime=int(os.environ.get("VRE_IAM_REFRESH_TOKEN_LIFETIME", str(30 * 24 * 3600))),
    )
    publish(provider, home / "services" / "iam.json")
    print(
        f"IAM stand-in (development only): issuer {provider.issuer}, access tokens live {provider.lifetime}s",
        flush=True,
    )
    serve(create_app(provider), host=host, port=port, threads=8, ident="vre-devstack-iam")


if __name__ == "__main__":
    main()
