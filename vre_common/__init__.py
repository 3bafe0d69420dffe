"""Shared machinery of the jupyterlab-vre server extensions.

This package imports none of `rucio_ext`, `reana_ext` and `zenodo_ext`; they
import it. It also carries the prebuilt labextension of the distribution.
"""

from importlib.metadata import version

__version__ = version("jupyterlab-vre")


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyterlab-vre"}]
