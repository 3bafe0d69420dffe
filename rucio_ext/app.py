"""The Rucio server extension app and its configuration."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

from traitlets import Dict, Enum, Float, List, Type, Unicode

from vre_common.context import AuthKind, ServiceAuth
from vre_common.extension import VREExtension

from .config import RucioConfig, RucioInstance, ensure_rucio_client_config, load_instances
from .handlers import rucio_routes
from .service import RucioService

# rucio-jupyterlab's `auth_type` values, and what they mean here.
AUTH_KINDS: dict[str, AuthKind] = {
    "oidc": "iam",
    "userpass": "userpass",
    "x509": "x509",
    "x509_proxy": "x509",
}


class RucioExtension(VREExtension):
    """Rucio in JupyterLab: `c.RucioExtension.*`, or rucio-jupyterlab's `c.RucioConfig.*` as it is."""

    name = "rucio_ext"
    api_prefix = "/vre/api/rucio"

    instances = List(
        Dict(),
        default_value=[],
        help="Rucio instances users can pick from (rucio-jupyterlab's instance format); "
        "when empty, c.RucioConfig.instances is used.",
    ).tag(config=True)

    default_instance = Unicode(
        None, allow_none=True, help="Name of the instance selected by default (the first one when unset)."
    ).tag(config=True)

    default_auth_type = Enum(
        ["oidc", "userpass", "x509", "x509_proxy"],
        default_value=None,
        allow_none=True,
        help="Auth type of instances that do not set `auth_type` (default: oidc, the IAM token).",
    ).tag(config=True)

    call_timeout_seconds = Float(
        30, help="Timeout of each call to a Rucio server (searches, listings, rules)."
    ).tag(config=True)

    resolve_wait_seconds = Float(
        2,
        help="How long a resolve request waits for the check of an attached collection before it "
        "answers with the check's task (the frontend then asks again).",
    ).tag(config=True)

    service_class = Type(
        RucioService,
        klass=RucioService,
        help="The service behind the endpoints; tests configure a double here.",
    ).tag(config=True)

    @cached_property
    def _loaded(self) -> tuple[dict[str, RucioInstance], list[str], str | None]:
        legacy = RucioConfig(config=self.config)
        raw = self.instances or legacy.instances
        instances, problems = load_instances(raw, self.default_auth_type or legacy.default_auth_type)
        default = self.default_instance or legacy.default_instance
        if default not in instances:
            default = next(iter(instances), None)
        return instances, problems, default

    @property
    def rucio_instances(self) -> dict[str, RucioInstance]:
        return self._loaded[0]

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        instances, problems, default = self._loaded
        names = list(instances)
        details: dict[str, Any] = {"instances": names, "default_instance": default}
        if problems:
            details["problems"] = problems
        if not names:
            message = "No Rucio instance is configured: ask your hub admin to set c.RucioExtension.instances."
            if problems:
                message = "No usable Rucio instance: " + "; ".join(problems)
            return False, message, details
        return True, f"{len(names)} Rucio instance(s) configured.", details

    def service_auth(self) -> list[ServiceAuth]:
        return [
            ServiceAuth(
                service="rucio",
                instance=instance.name,
                display_name=instance.label,
                auth=AUTH_KINDS[instance.auth_type or "oidc"],
            )
            for instance in self.rucio_instances.values()
        ]

    def make_service(self) -> RucioService:
        instances, _, default = self._loaded
        if written := ensure_rucio_client_config(Path(self.serverapp.runtime_dir)):
            self.log.info(
                "rucio_ext: no Rucio client configuration found; wrote a minimal one at %s", written
            )
        return self.service_class(
            instances,
            default,
            self.vre,
            self.call_timeout_seconds,
            Path(self.serverapp.root_dir),
            Path(self.serverapp.runtime_dir),
            self.resolve_wait_seconds,
        )

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return rucio_routes(self.api_prefix, self.service)
