"""Lifecycle glue: Rucio inputs -> REANA run -> Zenodo record, with provenance.

This extension imports none of `rucio_ext`, `reana_ext` and `zenodo_ext`: the
frontend (src/lifecycle) talks to their APIs and hands this module plain data
(resolved paths, DIDs, workflow facts, a DOI). What is here is what needs the
server: amending a reana.yaml in the workspace and writing an RO-Crate.
"""

from vre_common import __version__

from .app import LifecycleExtension


def _jupyter_server_extension_points() -> list[dict[str, object]]:
    return [{"module": "lifecycle_ext", "app": LifecycleExtension}]


__all__ = ["LifecycleExtension", "__version__"]
