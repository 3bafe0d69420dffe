"""Zenodo server extension: publish results with a DOI through eOSSR."""

from .app import ZenodoExtension
from vre_common import __version__


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    return [{"module": "zenodo_ext", "app": ZenodoExtension}]


__all__ = ["__version__", "ZenodoExtension"]
