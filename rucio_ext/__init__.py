"""Rucio server extension: find data in Rucio and bring it next to the notebook."""

from vre_common import __version__

from .app import RucioExtension


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    return [{"module": "rucio_ext", "app": RucioExtension}]


__all__ = ["RucioExtension", "__version__"]
