"""The lifecycle server extension app (no backend of its own, no credentials)."""

from __future__ import annotations

from typing import Any

from traitlets import Type

from vre_common.extension import VREExtension

from .handlers import lifecycle_routes
from .service import LifecycleService


class LifecycleExtension(VREExtension):
    """Provenance and workflow-spec glue of the data -> run -> DOI lifecycle."""

    name = "lifecycle_ext"
    api_prefix = "/vre/api/lifecycle"

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        return True, "Lifecycle: reana.yaml from notebook inputs, RO-Crate provenance.", {}

    service_class = Type(
        LifecycleService, klass=LifecycleService, help="The service behind the lifecycle endpoints."
    ).tag(config=True)

    def make_service(self) -> LifecycleService:
        return self.service_class(self.vre, self.serverapp.root_dir)

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return lifecycle_routes(self.api_prefix, self.service)
