"""JupyterLab as the UI tests see it: Galata's test settings plus VRE configuration."""

from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # noqa: F821  (provided by the Jupyter config loader)

configure_jupyter_server(c)
c.ServerApp.allow_root = True  # CI runs as root
c.ServerApp.root_dir = str(Path(__file__).parent / "workspace")

# Real values the panels must show, as an admin would configure them.
c.RucioExtension.instances = [
    {"name": "escape", "rucio_base_url": "http://127.0.0.1:8180", "mode": "download"},
    {
        "name": "cms",
        "rucio_base_url": "http://127.0.0.1:8180",
        "destination_rse": "VRE-MOUNT",
        "rse_mount_path": "/tmp/vre-mount",
    },
]
c.RucioExtension.default_instance = "escape"
c.ReanaExtension.server_url = "http://127.0.0.1:8183"
c.ZenodoExtension.environment = "sandbox"
