"""JupyterHub on the dev stack: IAM login, encrypted auth_state, servers as real system users.

FOR DEVELOPMENT ONLY (plain http on loopback, known secrets). The block between the
"admin guide" markers is the configuration docs/admin/hub.md documents; a test
(tests/hub/test_hub_docs.py) checks that both say the same.
"""

import importlib.util
import json
import os
import pwd
import sys
from pathlib import Path

c = get_config()  # noqa: F821 (provided by JupyterHub when it loads this file)

REPO = Path(__file__).resolve().parents[2]
HOME = Path(os.environ["VRE_DEVSTACK_HOME"])
DATA = HOME / "data" / "hub"
STACK = json.loads((HOME / "stack.json").read_text())
iam = STACK["iam"]
PORT, API_PORT = int(os.environ["VRE_HUB_PORT"]), int(os.environ["VRE_HUB_API_PORT"])
HUB_URL = f"http://127.0.0.1:{PORT}"
USERS = ("jdoe", "asmith")

# The hub image here does not install jupyterlab-vre: load the authenticator as a file.
_spec = importlib.util.spec_from_file_location("vre_hub_auth", REPO / "vre_common" / "hub_auth.py")
vre_hub_auth = importlib.util.module_from_spec(_spec)
sys.modules["vre_hub_auth"] = vre_hub_auth
_spec.loader.exec_module(vre_hub_auth)
VREOAuthenticator = vre_hub_auth.VREOAuthenticator

IAM_ISSUER = iam["issuer"]
IAM_CLIENT_ID = "vre-hub"
IAM_CLIENT_SECRET = iam["clients"][IAM_CLIENT_ID]["secret"]
TOKEN_EXCHANGE = {}
if rucio_oidc := STACK.get("rucio", {}).get("oidc"):
    TOKEN_EXCHANGE["rucio"] = {"audience": rucio_oidc["audience"], "scope": rucio_oidc["scope"]}
# Renew this long before expiry (capped at a third of the token's lifetime by the authenticator).
RENEW_MARGIN_SECONDS = 60

c.JupyterHub.bind_url = HUB_URL
c.JupyterHub.hub_bind_url = f"http://127.0.0.1:{os.environ['VRE_HUB_INTERNAL_PORT']}"
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{API_PORT}"
c.ConfigurableHTTPProxy.command = [str(HOME / "venvs" / "hub" / "bin" / "configurable-http-proxy")]
c.ConfigurableHTTPProxy.should_start = True
c.JupyterHub.db_url = f"sqlite:///{DATA / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(DATA / "cookie-secret")
c.JupyterHub.pid_file = str(DATA / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True

# --- admin guide: hub configuration (start) ---
c.JupyterHub.authenticator_class = VREOAuthenticator
c.VREOAuthenticator.client_id = IAM_CLIENT_ID
c.VREOAuthenticator.client_secret = IAM_CLIENT_SECRET
c.VREOAuthenticator.authorize_url = f"{IAM_ISSUER}/authorize"
c.VREOAuthenticator.token_url = f"{IAM_ISSUER}/token"
c.VREOAuthenticator.userdata_url = f"{IAM_ISSUER}/userinfo"
c.VREOAuthenticator.oauth_callback_url = f"{HUB_URL}/hub/oauth_callback"
c.VREOAuthenticator.scope = ["openid", "profile", "email", "offline_access"]
c.VREOAuthenticator.username_claim = "preferred_username"
c.VREOAuthenticator.login_service = "IAM"
c.VREOAuthenticator.auto_login = True
c.VREOAuthenticator.allow_all = True
# Tokens live in the encrypted auth_state (key: $JUPYTERHUB_CRYPT_KEY) and are renewed ahead of
# expiry whenever a user's request, or the user's server asking the Hub API, reaches the hub.
c.VREOAuthenticator.enable_auth_state = True
c.VREOAuthenticator.refresh_pre_spawn = True
c.VREOAuthenticator.auth_refresh_age = 1
c.VREOAuthenticator.renew_margin_seconds = RENEW_MARGIN_SECONDS
c.VREOAuthenticator.token_exchange = TOKEN_EXCHANGE
# A server may read its own user's auth_state, nobody else's. A server token only gets scopes its
# user holds, so users hold that one scope too (on themselves only).
c.JupyterHub.load_roles = [
    {"name": "user", "scopes": ["self", "admin:auth_state!user"]},
    {
        "name": "server",
        "scopes": [
            "users:activity!user",
            "access:servers!server",
            "read:users:name!user",
            "admin:auth_state!user",
        ],
    },
]
c.Spawner.environment = {"VRE_IAM_TOKEN_SOURCE": "hub"}
# --- admin guide: hub configuration (end) ---

# Servers run as the system user of the same name, from the project's .venv (jupyterlab-vre
# editable), each with its own home as workspace and its own Jupyter data directory there.
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
c.Spawner.cmd = [str(REPO / ".venv" / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 120
c.Spawner.http_timeout = 120
# The dev stack's Rucio/REANA/Zenodo instances, written by run.sh without any IAM secret.
c.Spawner.environment.update({"JUPYTER_CONFIG_PATH": str(HOME / "data" / "hub-singleuser")})
c.Authenticator.admin_users = set()


def _publish() -> None:
    facts = {
        "note": "JupyterHub with the dev IAM, for development only",
        "url": HUB_URL,
        "login_url": f"{HUB_URL}/hub/login",
        "api_url": f"{HUB_URL}/hub/api",
        "proxy_api_url": f"http://127.0.0.1:{API_PORT}",
        "users": {name: {"home": pwd.getpwnam(name).pw_dir} for name in USERS},
        "token_exchange": TOKEN_EXCHANGE,
    }
    target = HOME / "services" / "hub.json"
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(facts, indent=2))
    tmp.replace(target)


_publish()
