"""What the three server extensions have in common."""

from __future__ import annotations

from typing import Any, ClassVar

from jupyter_server.extension.application import ExtensionApp
from jupyter_server.utils import url_path_join
from pydantic import BaseModel

from . import __version__
from .handlers import StatusHandler


class ExtensionStatus(BaseModel):
    """What `GET <prefix>/status` answers: never a credential."""

    extension: str
    version: str
    configured: bool
    message: str
    details: dict[str, Any]


class VREExtension(ExtensionApp):
    """Base of `RucioExtension`, `ReanaExtension` and `ZenodoExtension`.

    Subclasses set `name`, `api_prefix` and implement `configuration()`; they
    add their own routes with `routes()`.
    """

    load_other_extensions = True
    api_prefix: ClassVar[str]

    def configuration(self) -> tuple[bool, str, dict[str, Any]]:
        """(configured, a sentence for the user, public details) from this extension's config."""
        raise NotImplementedError

    def status(self) -> ExtensionStatus:
        configured, message, details = self.configuration()
        return ExtensionStatus(
            extension=self.name,
            version=__version__,
            configured=configured,
            message=message,
            details=details,
        )

    def routes(self) -> list[tuple[str, type, dict[str, Any]]]:
        return []

    def initialize_handlers(self) -> None:
        self.handlers.append(
            (url_path_join(self.api_prefix, "status"), StatusHandler, {"status": self.status})
        )
        self.handlers.extend(self.routes())
