"""The lifecycle server extension app (no backend of its own, no credentials)."""

from __future__ import annotations

from typing import Any

from vre_common.extension import VREExtension

from .handlers import lifecycle_routes
from .service import LifecycleService


class LifecycleExtension(VREExtension):
    """Provenance and workflow-spec glue of the data -> run -> DOI lifecycle."""

    name = "lifecycle_ext"
    api_prefix = "/vre/api/lifecycle"

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        return True, "Lifecycle: reana.yaml from notebook inputs, RO-Crate provenance.", {}

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        service = LifecycleService(self.vre, self.serverapp.root_dir)
        return lifecycle_routes(self.api_prefix, service)
