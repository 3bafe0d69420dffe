"""The REANA server extension app and its configuration."""

from __future__ import annotations

import os
from typing import Any

from traitlets import Unicode, default

from vre_common.context import ServiceAuth
from vre_common.extension import VREExtension


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
