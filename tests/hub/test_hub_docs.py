"""The admin guide's hub page documents the configuration the hub tests run."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
START, END = (
    "# --- admin guide: hub configuration (start) ---",
    "# --- admin guide: hub configuration (end) ---",
)


def block(text: str) -> str:
    match = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), text, re.S)
    assert match, "the hub configuration block is missing"
    return match.group(1)


def test_the_documented_hub_config_is_the_tested_one() -> None:
    tested = (REPO / "devstack" / "hub" / "jupyterhub_config.py").read_text()
    documented = (REPO / "docs" / "admin" / "hub.md").read_text()
    assert block(documented) == block(tested)


def test_the_zero_to_jupyterhub_values_set_the_same_roles_and_source() -> None:
    documented = (REPO / "docs" / "admin" / "hub.md").read_text()
    values = documented.split("## Zero to JupyterHub", 1)[1]
    config = block(documented)
    for scope in re.findall(r'"((?:users|access|read|admin):[a-z_:]+!(?:user|server))"', config):
        assert f"- {scope}" in values or f'"{scope}"' in values, scope
    assert "VRE_IAM_TOKEN_SOURCE: hub" in values
    for trait in ("enable_auth_state", "refresh_pre_spawn", "auth_refresh_age", "renew_margin_seconds"):
        assert f"c.VREOAuthenticator.{trait}" in config and f"{trait}:" in values, trait
