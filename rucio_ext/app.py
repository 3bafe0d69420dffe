"""The Rucio server extension app and its configuration."""

from __future__ import annotations

from typing import Any

from traitlets import Dict, List, Unicode

from vre_common.context import AuthKind, ServiceAuth
from vre_common.extension import VREExtension

# rucio-jupyterlab's `auth_type` values, and what they mean here.
AUTH_TYPES: dict[str, AuthKind] = {
    "oidc": "iam",
    "userpass": "userpass",
    "x509": "x509",
    "x509_proxy": "x509",
}


class RucioExtension(VREExtension):
    """Rucio in JupyterLab: configure with `c.RucioExtension.*` in jupyter_server_config.py."""

    name = "rucio_ext"
    api_prefix = "/vre/api/rucio"

    instances = List(
        Dict(),
        default_value=[],
        help="Rucio instances users can pick from; each a dict with at least `name`.",
    ).tag(config=True)

    default_instance = Unicode(
        None,
        allow_none=True,
        help="Name of the instance selected by default (the first one when unset).",
    ).tag(config=True)

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        names = [str(i.get("name", "")) for i in self.instances]
        if not names:
            return (
                False,
                "No Rucio instance is configured: ask your hub admin to set c.RucioExtension.instances.",
                {"instances": []},
            )
        default = self.default_instance or names[0]
        return (
            True,
            f"{len(names)} Rucio instance(s) configured.",
            {"instances": names, "default_instance": default},
        )

    def service_auth(self) -> list[ServiceAuth]:
        return [
            ServiceAuth(
                service="rucio",
                instance=str(i["name"]),
                display_name=str(i.get("display_name") or i["name"]),
                auth=AUTH_TYPES.get(str(i.get("auth_type", "oidc")), "iam"),
            )
            for i in self.instances
            if i.get("name")
        ]
