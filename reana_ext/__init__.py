"""REANA server extension: run reproducible workflows from the workspace."""

from vre_common import __version__

from .app import ReanaExtension


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    return [{"module": "reana_ext", "app": ReanaExtension}]


__all__ = ["ReanaExtension", "__version__"]
