"""The REANA server extension app and its configuration."""

from __future__ import annotations

import os
from typing import Any

from traitlets import Bool, Dict, Float, Type, Unicode, default

from vre_common.context import ServiceAuth
from vre_common.errors import BadRequest
from vre_common.extension import VREExtension

from .client import ReanaAPI
from .handlers import reana_routes
from .service import ReanaService


class ReanaExtension(VREExtension):
    """REANA in JupyterLab: configure with `c.ReanaExtension.*` or `REANA_SERVER_URL`."""

    name = "reana_ext"
    api_prefix = "/vre/api/reana"

    server_url = Unicode(
        help="Base URL of the REANA server, e.g. https://reana.cern.ch (default: $REANA_SERVER_URL).",
    ).tag(config=True)

    access_token = Unicode(
        help="A REANA access token for every user of this server (default: $REANA_ACCESS_TOKEN); "
        "users who enter their own use theirs.",
    ).tag(config=True)

    call_timeout_seconds = Float(
        30, help="Timeout of each call to the REANA server (lists, status, logs, create, start)."
    ).tag(config=True)

    transfer_timeout_seconds = Float(
        300, help="Longest wait for the next bytes of an upload or download before it fails."
    ).tag(config=True)

    verify_tls = Bool(True, help="Verify the REANA server's TLS certificate.").tag(config=True)

    rucio_secrets = Dict(
        value_trait=Unicode(),
        help="The REANA env secrets that `rucio: true` steps need and that are the same for every "
        "user of this server: VONAME, RUCIO_RUCIO_HOST, RUCIO_AUTH_HOST and any RUCIO_CFG_* "
        '(e.g. {"VONAME": "escape", "RUCIO_RUCIO_HOST": "https://rucio.example.org", '
        '"RUCIO_AUTH_HOST": "https://rucio-auth.example.org"}). "Set up Rucio for workflows" adds '
        "them with the user's RUCIO_USERNAME, RUCIO_CFG_AUTH_TYPE=oidc and an IAM token for "
        "Rucio as BEARER_TOKEN. Empty: that action is refused.",
    ).tag(config=True)

    api_class = Type(
        ReanaAPI,
        klass=ReanaAPI,
        help="The REANA REST client; tests configure a double here.",
    ).tag(config=True)

    service_class = Type(ReanaService, klass=ReanaService, help="The service behind the endpoints.").tag(
        config=True
    )

    @default("server_url")
    def _server_url_from_env(self) -> str:
        return os.environ.get("REANA_SERVER_URL", "")

    @default("access_token")
    def _access_token_from_env(self) -> str:
        return os.environ.get("REANA_ACCESS_TOKEN", "")

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        url = self.server_url.rstrip("/")
        if not url:
            return (
                False,
                "No REANA server is configured: set c.ReanaExtension.server_url or REANA_SERVER_URL.",
                {"server_url": None},
            )
        return True, f"REANA server: {url}", {"server_url": url}

    def service_auth(self) -> list[ServiceAuth]:
        if not self.server_url:
            return []
        return [ServiceAuth(service="reana", instance="default", display_name="REANA", auth="token")]

    def admin_credentials(self) -> dict[str, dict[str, str]]:
        return {"default": {"token": self.access_token}} if self.access_token else {}

    def _token(self) -> str:
        if not self.server_url:
            raise BadRequest(
                "No REANA server is configured: ask your hub admin to set c.ReanaExtension.server_url.",
                code="reana_not_configured",
            )
        return self.vre.credential("reana", "default")["token"]

    def make_service(self) -> ReanaService:
        url = self.server_url.rstrip("/")
        self._api = self.api_class(
            url or "http://reana.invalid",
            self._token,
            self.call_timeout_seconds,
            self.transfer_timeout_seconds,
            verify=self.verify_tls,
        )
        service = self.service_class(self._api, self.vre, self.serverapp.root_dir, url)
        service.rucio_secrets = dict(self.rucio_secrets)
        return service

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return reana_routes(self.api_prefix, self.service)

    async def stop_extension(self) -> None:
        if api := getattr(self, "_api", None):
            await api.close()
        await super().stop_extension()
