import sys
from pathlib import Path

import pytest

# Tests record measured figures with `from figures import record` (scripts/figures.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

pytest_plugins = ("pytest_jupyter.jupyter_server",)


@pytest.fixture
def jp_server_config(jp_server_config):
    """A real in-process Jupyter server with the three VRE extensions on."""
    return {
        **jp_server_config,
        "ServerApp": {
            **jp_server_config.get("ServerApp", {}),
            "jpserver_extensions": {
                "rucio_ext": True,
                "reana_ext": True,
                "zenodo_ext": True,
                "lifecycle_ext": True,
            },
        },
    }
