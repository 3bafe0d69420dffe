"""What the three server extensions have in common."""

from __future__ import annotations

from typing import Any, ClassVar

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from pydantic import BaseModel
from tornado.ioloop import PeriodicCallback

from . import __version__
from .context import ServiceAuth, VREContext
from .handlers import StatusHandler, shared_routes, unknown_endpoint

CREDENTIALS_CHECK_SECONDS = 5


class ExtensionStatus(BaseModel):
    """What `GET <prefix>/status` answers: never a credential."""

    extension: str
    version: str
    configured: bool
    message: str
    details: dict[str, Any]


class VREExtension(ExtensionApp):
    """Base of `RucioExtension`, `ReanaExtension` and `ZenodoExtension`.

    Subclasses set `name`, `api_prefix`, implement `configuration()` and
    `service_auth()`, and add their own routes with `routes()`.
    """

    load_other_extensions = True
    api_prefix: ClassVar[str]
    vre: VREContext
    service: Any

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        """(configured, a sentence for the user, public details) from this extension's config."""
        raise NotImplementedError

    def service_auth(self) -> list[ServiceAuth]:
        """How each configured instance of this service authenticates."""
        return []

    def admin_credentials(self) -> dict[str, dict[str, str]]:
        """Credentials the admin provided through this extension's config, by instance."""
        return {}

    def status(self) -> ExtensionStatus:
        configured, message, details = self.configuration()
        return ExtensionStatus(
            extension=self.name,
            version=__version__,
            configured=configured,
            message=message,
            details=details,
        )

    def make_service(self) -> object | None:
        """This extension's service, built once at start-up from its `*_class` traitlets (None: no service)."""
        return None

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return []

    def initialize_settings(self) -> None:
        self.vre, self._created_context = VREContext.for_app(self.serverapp.web_app.settings, self.config)
        for spec in self.service_auth():
            self.vre.register(spec)
        service = self.api_prefix.rsplit("/", 1)[-1]
        for instance, fields in self.admin_credentials().items():
            self.vre.credentials.add_admin(service, instance, fields)
        if self._created_context:
            self._watch_credentials()
        # Built once, kept in the Tornado settings; `routes()` hands it to the handlers.
        self.service = self.settings[f"{self.name}_service"] = self.make_service()

    def _watch_credentials(self) -> None:
        """Pick up changes others make to the credentials file, checked off the event loop."""
        store, executor = self.vre.credentials, self.vre.executor

        async def reload() -> None:
            await executor.run("credential store", 10, store.reload)

        self._credentials_watch = PeriodicCallback(reload, CREDENTIALS_CHECK_SECONDS * 1000)
        self._credentials_watch.start()

    def initialize_handlers(self) -> None:
        self.handlers.append(
            (url_path_join(self.api_prefix, "status"), StatusHandler, {"status": self.status})
        )
        if self._created_context:
            self.handlers.extend(shared_routes(self.vre))
        self.handlers.extend(self.routes())
        self.handlers.append(unknown_endpoint(self.api_prefix))

    async def stop_extension(self) -> None:
        if self._created_context:
            self._credentials_watch.stop()
            await self.vre.close()
