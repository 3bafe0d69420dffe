"""Admin configuration of the shared parts (`c.IAMTokens.*`, `c.VRECommon.*`), with env fallbacks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from jupyter_core.paths import jupyter_data_dir
from traitlets import Dict, Float, Int, TraitError, Unicode, default, validate
from traitlets.config import Configurable

from .tokens import TokenSettings


def _env(name: str) -> str:
    return os.environ.get(name, "")


class IAMTokens(Configurable):
    """Where the user's IAM access token comes from."""

    source = Unicode(
        help='"hub": read the tokens from the user\'s auth state through the Hub API (the hub renews '
        "them; this server needs no IAM secret). Empty: environment, file, then refresh token. "
        "Default: $VRE_IAM_TOKEN_SOURCE."
    ).tag(config=True)

    access_token_env = Unicode(
        "ACCESS_TOKEN", help="Environment variable holding the access token (as JupyterHub passes it)."
    ).tag(config=True)
    token_file = Unicode(help="File holding the access token, re-read when the hub rewrites it.").tag(
        config=True
    )
    issuer = Unicode(help="IAM issuer URL, for OIDC discovery of the token endpoint.").tag(config=True)
    client_id = Unicode(help="IAM client id for refresh and token exchange.").tag(config=True)
    client_secret = Unicode(help="IAM client secret (default: $VRE_IAM_CLIENT_SECRET).").tag(config=True)
    refresh_token_env = Unicode(
        "VRE_IAM_REFRESH_TOKEN", help="Environment variable holding the user's refresh token."
    ).tag(config=True)
    refresh_margin_seconds = Float(60, help="Refresh this many seconds before the token expires.").tag(
        config=True
    )
    timeout_seconds = Float(10, help="Timeout of each call to the issuer.").tag(config=True)
    exchange = Dict(
        help='Token exchange per service, e.g. {"rucio": {"audience": "rucio", "scope": "openid"}}; '
        "services not listed use the access token as it is."
    ).tag(config=True)

    @default("source")
    def _source(self) -> str:
        return _env("VRE_IAM_TOKEN_SOURCE")

    @validate("source")
    def _check_source(self, proposal: Any) -> str:
        if proposal["value"] not in ("", "hub"):
            raise TraitError(f'IAMTokens.source must be "" or "hub", not {proposal["value"]!r}')
        return proposal["value"]

    @default("token_file")
    def _token_file(self) -> str:
        return _env("VRE_IAM_TOKEN_FILE")

    @default("issuer")
    def _issuer(self) -> str:
        return _env("VRE_IAM_ISSUER")

    @default("client_id")
    def _client_id(self) -> str:
        return _env("VRE_IAM_CLIENT_ID")

    @default("client_secret")
    def _client_secret(self) -> str:
        return _env("VRE_IAM_CLIENT_SECRET")

    def settings(self) -> TokenSettings:
        return TokenSettings(
            env_var=self.access_token_env,
            token_file=self.token_file,
            issuer=self.issuer,
            client_id=self.client_id,
            client_secret=self.client_secret,
            refresh_token=_env(self.refresh_token_env) if self.refresh_token_env else "",
            refresh_margin=self.refresh_margin_seconds,
            timeout=self.timeout_seconds,
            exchange=dict(self.exchange),
            source=self.source,
            # JupyterHub's spawner sets these for every single-user server
            hub_api_url=_env("JUPYTERHUB_API_URL"),
            hub_api_token=_env("JUPYTERHUB_API_TOKEN"),
            hub_user=_env("JUPYTERHUB_USER"),
            hub_login_url=_env("JUPYTERHUB_BASE_URL").rstrip("/") + "/hub/login",
        )


class VRECommon(Configurable):
    """Shared machinery of the three extensions."""

    blocking_workers = Int(16, help="Threads for blocking client libraries (rucio-clients, eossr).").tag(
        config=True
    )
    task_keep_seconds = Float(3600, help="How long finished background tasks stay listed.").tag(config=True)
    credentials_path = Unicode(help="The users' credential store (mode 0600).").tag(config=True)
    task_journal_path = Unicode(
        help="What running tasks need to resume after a server restart (mode 0600, no credentials)."
    ).tag(config=True)
    admin_credentials = Dict(
        help='Pre-provisioned credentials, e.g. {"reana/default": {"token": "..."}}; a user\'s own wins.'
    ).tag(config=True)

    @default("credentials_path")
    def _credentials_path(self) -> str:
        """`<Jupyter data dir>/vre/credentials.json`, e.g. `~/.local/share/jupyter/vre/credentials.json`"""
        return str(Path(jupyter_data_dir()) / "vre" / "credentials.json")

    @default("task_journal_path")
    def _task_journal_path(self) -> str:
        """`<Jupyter data dir>/vre/tasks.json`, next to the credential store"""
        return str(Path(jupyter_data_dir()) / "vre" / "tasks.json")
