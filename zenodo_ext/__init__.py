"""Zenodo server extension: publish results with a DOI through eOSSR."""

from vre_common import __version__

from .app import ZenodoExtension


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    return [{"module": "zenodo_ext", "app": ZenodoExtension}]


__all__ = ["ZenodoExtension", "__version__"]
