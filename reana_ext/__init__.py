"""REANA server extension: run reproducible workflows from the workspace."""

from .app import ReanaExtension
from vre_common import __version__


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    return [{"module": "reana_ext", "app": ReanaExtension}]


__all__ = ["__version__", "ReanaExtension"]
