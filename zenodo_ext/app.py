"""The Zenodo server extension app and its configuration."""

from __future__ import annotations

import os
from typing import Any

from traitlets import Enum, Unicode, default

from vre_common.extension import VREExtension

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

    @default("api_url")
    def _api_url_from_env(self) -> str:
        return os.environ.get("VRE_ZENODO_API_URL", "")

    def effective_api_url(self) -> str:
        return (self.api_url or ZENODO_API_URLS[self.environment]).rstrip("/")

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        url = self.effective_api_url()
        target = "custom" if self.api_url else self.environment
        return True, f"Publishing to Zenodo ({target}): {url}", {"api_url": url, "environment": target}
