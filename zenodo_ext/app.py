"""The Zenodo server extension app and its configuration."""

from __future__ import annotations

import os
from typing import Any

from traitlets import Enum, Float, Type, Unicode, default

from vre_common.context import ServiceAuth
from vre_common.extension import VREExtension

from .client import ZenodoSession
from .handlers import zenodo_routes
from .service import ZenodoService

ZENODO_API_URLS = {
    "sandbox": "https://sandbox.zenodo.org/api",
    "production": "https://zenodo.org/api",
}


class ZenodoExtension(VREExtension):
    """Zenodo in JupyterLab: configure with `c.ZenodoExtension.*` or `VRE_ZENODO_API_URL`."""

    name = "zenodo_ext"
    api_prefix = "/vre/api/zenodo"

    environment = Enum(
        ["sandbox", "production"],
        default_value="sandbox",
        help="Which Zenodo to publish to when `api_url` is not set.",
    ).tag(config=True)

    api_url = Unicode(
        help="Zenodo API base URL; overrides `environment` (default: $VRE_ZENODO_API_URL).",
    ).tag(config=True)

    access_token = Unicode(
        help="A Zenodo personal access token for every user of this server (default: $ZENODO_TOKEN); "
        "users who enter their own use theirs.",
    ).tag(config=True)

    default_community = Unicode(
        "escape2020",
        help="Community offered first when publishing and searching records (empty: none).",
    ).tag(config=True)

    timeout_seconds = Float(30, help="Timeout of each Zenodo API request.").tag(config=True)

    transfer_timeout_seconds = Float(
        120, help="During file uploads and downloads: the longest wait for Zenodo to take or send more bytes."
    ).tag(config=True)

    session_class = Type(
        ZenodoSession,
        klass=ZenodoSession,
        help="The Zenodo client (eOSSR calls, httpx transfers); tests configure a double here.",
    ).tag(config=True)

    service_class = Type(
        ZenodoService,
        klass=ZenodoService,
        help="The service behind the endpoints (depositions, transfers, records).",
    ).tag(config=True)

    @default("api_url")
    def _api_url_from_env(self) -> str:
        return os.environ.get("VRE_ZENODO_API_URL", "")

    @default("access_token")
    def _access_token_from_env(self) -> str:
        return os.environ.get("ZENODO_TOKEN", "")

    @property
    def instance(self) -> str:
        """Credentials are kept per Zenodo: a sandbox token does not work on production."""
        return "custom" if self.api_url else self.environment

    def effective_api_url(self) -> str:
        return (self.api_url or ZENODO_API_URLS[self.environment]).rstrip("/")

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        url = self.effective_api_url()
        target = self.instance
        details = {"api_url": url, "environment": target, "default_community": self.default_community or None}
        return True, f"Publishing to Zenodo ({target}): {url}", details

    def service_auth(self) -> list[ServiceAuth]:
        label = {"sandbox": "Zenodo sandbox", "production": "Zenodo", "custom": "Zenodo"}[self.instance]
        return [ServiceAuth(service="zenodo", instance=self.instance, display_name=label, auth="token")]

    def admin_credentials(self) -> dict[str, dict[str, str]]:
        return {self.instance: {"token": self.access_token}} if self.access_token else {}

    def make_service(self) -> ZenodoService:
        session = self.session_class(
            self.vre,
            self.instance,
            self.effective_api_url(),
            self.timeout_seconds,
            self.transfer_timeout_seconds,
        )
        return self.service_class(session, self.serverapp.root_dir, self.default_community)

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return zenodo_routes(self.api_prefix, self.service)
