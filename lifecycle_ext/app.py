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
        """Usable when the REANA and Zenodo extensions it drives are enabled and configured."""
        missing = []
        for name, label in (("reana_ext", "REANA"), ("zenodo_ext", "Zenodo")):
            # The other apps are found in the settings, where jupyter_server keeps each one by name.
            app = self.serverapp.web_app.settings.get(name)
            if app is None:
                missing.append(f"{label} is not enabled on this server")
            elif not app.configuration()[0]:
                missing.append(f"{label} is not configured")
        details = {"missing": missing}
        if missing:
            return False, "Lifecycle: " + "; ".join(missing) + ".", details
        return True, "Lifecycle: reana.yaml from notebook inputs, RO-Crate provenance.", details

    service_class = Type(
        LifecycleService, klass=LifecycleService, help="The service behind the lifecycle endpoints."
    ).tag(config=True)

    def make_service(self) -> LifecycleService:
        return self.service_class(self.vre, self.serverapp.root_dir, self.serverapp.runtime_dir)

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return lifecycle_routes(self.api_prefix, self.service)
