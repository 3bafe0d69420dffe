"""JupyterLab as the UI tests see it: Galata's test settings plus VRE configuration.

The dev stack's IAM and Rucio must be running (scripts/test.sh starts them): the
server logs in as its demo user, as a hub does, so the panels show a real
identity, and the `devstack` Rucio instance is the dev stack's real Rucio.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

from jupyterlab.galata import configure_jupyter_server

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "scripts"))
from devstack_jupyter_config import iam_login, on_mounted_rse  # noqa: E402

c = get_config()  # noqa: F821  (provided by the Jupyter config loader)

configure_jupyter_server(c)
# Ports follow the dev stack's (devstack/README.md), so two checkouts can test side by side.
c.ServerApp.port = int(os.environ.get("VRE_UI_JUPYTER_PORT", "8888"))
RUCIO_URL = f"http://127.0.0.1:{os.environ.get('VRE_RUCIO_PORT', '8180')}"
REANA_URL = f"http://127.0.0.1:{os.environ.get('VRE_REANA_PORT', '8183')}"
c.ServerApp.allow_root = True  # CI runs as root
c.ServerApp.root_dir = str(Path(__file__).parent / "workspace")
# Credentials the tests enter stay in a throwaway store, not the machine's Jupyter data dir.
c.VRECommon.credentials_path = str(Path(tempfile.mkdtemp(prefix="vre-ui-")) / "credentials.json")

# Real values the panels must show, as an admin would configure them.
c.RucioExtension.instances = [
    {"name": "escape", "rucio_base_url": RUCIO_URL, "mode": "download"},
    {
        "name": "cms",
        "rucio_base_url": RUCIO_URL,
        "destination_rse": "VRE-MOUNT",
        "rse_mount_path": "/tmp/vre-mount",
        "auth_type": "userpass",
    },
]
c.RucioExtension.default_instance = "escape"
c.ReanaExtension.server_url = REANA_URL
c.ZenodoExtension.environment = "sandbox"  # overridden below by the dev stack's Zenodo

stack_file = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")) / "stack.json"
iam = json.loads(stack_file.read_text()).get("iam") if stack_file.exists() else None
if iam is None:
    raise SystemExit("UI tests need the dev stack's IAM: run `devstack/devstack up iam` first.")
# Publishing goes to the dev stack's Zenodo stand-in; users enter its token in the panel.
zenodo = json.loads(stack_file.read_text()).get("zenodo")
if zenodo is None:
    raise SystemExit("UI tests need the dev stack's Zenodo: run `devstack/devstack up zenodo` first.")
c.ZenodoExtension.api_url = zenodo["api_url"]
c.IAMTokens.access_token_env = "VRE_UI_TEST_UNSET"
c.IAMTokens.issuer = iam["issuer"]
c.IAMTokens.client_id = iam["client_id"]
os.environ["VRE_IAM_CLIENT_SECRET"] = iam["client_secret"]  # by environment: --debug logs the config
c.IAMTokens.refresh_token_env = "VRE_UI_TEST_REFRESH_TOKEN"
os.environ["VRE_UI_TEST_REFRESH_TOKEN"] = iam_login(iam)["refresh_token"]

# The dev stack's real Rucio, wired as the demo wires it: IAM tokens exchanged for Rucio's audience.
rucio = json.loads(stack_file.read_text()).get("rucio")
if rucio is None:
    raise SystemExit("UI tests need the dev stack's Rucio: run `devstack/devstack up rucio` first.")
c.RucioExtension.instances.append(
    {
        "name": "devstack",
        "display_name": "Dev stack Rucio",
        "rucio_base_url": rucio["rucio_host"],
        "rucio_auth_url": rucio["auth_host"],
        "auth_type": "oidc",
        **on_mounted_rse(rucio),
        "replication_rule_lifetime_days": 1,
    }
)
if oidc := rucio.get("oidc"):
    c.IAMTokens.exchange = {"rucio": {"audience": oidc["audience"], "scope": oidc["scope"]}}

# The whole log at DEBUG in a file, for the credential scan after the UI tests (tests/leakcheck.py,
# run by scripts/test.sh); the console keeps INFO. A new file per server start.
server_log = Path(
    os.environ.get("VRE_UI_SERVER_LOG")
    or Path(os.environ.get("VRE_UI_SCAN_DIR", Path(__file__).parent / ".leak-scan")) / "server.log"
)
server_log.parent.mkdir(parents=True, exist_ok=True)
c.ServerApp.log_level = "DEBUG"
c.ServerApp.logging_config = {
    "handlers": {
        "console": {"level": "INFO"},
        "vre_scan": {
            "class": "logging.FileHandler",
            "filename": str(server_log),
            "mode": "w",
            "level": "DEBUG",
            "formatter": "console",
        },
    },
    "loggers": {"ServerApp": {"handlers": ["console", "vre_scan"], "level": "DEBUG"}},
    # our extensions' module loggers (rucio_ext.session, ...) and the libraries' reach the root
    "root": {"handlers": ["vre_scan"], "level": "DEBUG"},
}

# Test-only workaround for an upstream bug (JupyterLab 4.6 / jupyter_server 2.21 / ipykernel 7,
# also without this extension): the page ignores kernel status messages whose parent is an
# untracked `kernel_info_request`, and after a restart a kernel sends no other, so the page stays
# at "Starting"/"Unknown" until code runs. Tracking kernel info requests lets it see "idle".
c.MappingKernelManager.untracked_message_types = [
    "comm_info_request", "comm_info_reply", "shutdown_request", "shutdown_reply",
    "interrupt_request", "interrupt_reply", "debug_request", "debug_reply", "stream",
    "display_data", "update_display_data", "execute_input", "execute_result", "error", "status",
    "clear_output", "debug_event", "input_request", "input_reply",
]  # fmt: skip
