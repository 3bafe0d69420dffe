"""Rucio instance configuration, accepting `rucio-jupyterlab` deployments' keys as they are.

Admins can keep `c.RucioConfig.instances`/`default_instance`/`default_auth_type`
from rucio-jupyterlab, or write `c.RucioExtension.*`; the keys of an instance
are the same in both. Keys this project does not use (`app_id`, `voms_*`,
`cache_expires_at`) are accepted and ignored.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import Literal
from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from traitlets import Dict, Enum, List, Unicode
from traitlets.config import Configurable

AuthType = Literal["oidc", "userpass", "x509", "x509_proxy"]


class RucioConfig(Configurable):
    """rucio-jupyterlab's configuration class, read as it is."""

    instances = List(Dict(), default_value=[], help="Rucio instances (rucio-jupyterlab format).").tag(
        config=True
    )
    default_instance = Unicode(None, allow_none=True, help="Instance selected by default.").tag(config=True)
    default_auth_type = Enum(
        ["userpass", "x509", "x509_proxy", "oidc"],
        default_value=None,
        allow_none=True,
        help="Auth type of instances that do not set `auth_type`.",
    ).tag(config=True)


class RucioInstance(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_.\-]{1,64}$")
    display_name: str = ""
    rucio_base_url: str
    rucio_auth_url: str = ""
    rucio_ca_cert: str | bool = True
    vo: str = "def"
    site_name: str = ""
    webui_url: str = ""
    auth_type: AuthType | None = None
    # Rucio account for IAM (oidc) logins; default: the token's preferred_username
    account: str = ""
    mode: Literal["replica", "download"] = "replica"
    # replica mode: rules to the RSE that is mounted into the JupyterLab pod
    destination_rse: str = ""
    rse_mount_path: str = ""
    # how many leading components of a PFN's path to drop before joining the rest to rse_mount_path
    path_begins_at: int = Field(default=0, ge=0)
    replication_rule_lifetime_days: int | None = Field(default=None, ge=0)
    # download mode: where downloads land (relative paths are under the Jupyter root)
    download_dir: str = "rucio-downloads"
    wildcard_enabled: bool = False

    @model_validator(mode="after")
    def _mode_needs(self) -> RucioInstance:
        for url in (self.rucio_base_url, self.rucio_auth_url):
            if url and urlparse(url).scheme not in ("http", "https"):
                raise ValueError(f"{url!r} is not an http(s) URL")
        if self.mode == "replica" and not (self.destination_rse and self.rse_mount_path):
            raise ValueError("replica mode needs destination_rse and rse_mount_path")
        return self

    @property
    def label(self) -> str:
        return self.display_name or self.name

    @property
    def auth_url(self) -> str:
        return self.rucio_auth_url or self.rucio_base_url

    def local_path(self, pfn: str) -> str:
        """Where a PFN on the mounted RSE appears under `rse_mount_path`."""
        path = urlparse(pfn).path.strip("/")
        suffix = path.split("/", self.path_begins_at)[-1] if self.path_begins_at else path
        return posixpath.join(self.rse_mount_path, suffix)


def load_instances(
    raw: list[dict], default_auth_type: str | None
) -> tuple[dict[str, RucioInstance], list[str]]:
    """Valid instances by name, and a readable problem for each invalid one (the server still starts)."""
    instances: dict[str, RucioInstance] = {}
    problems: list[str] = []
    for position, entry in enumerate(raw):
        label = entry.get("name", f"#{position + 1}") if isinstance(entry, dict) else f"#{position + 1}"
        try:
            instance = RucioInstance.model_validate(entry)
        except ValidationError as err:
            reasons = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'instance'}: {e['msg']}"
                for e in err.errors(include_url=False, include_input=False)
            )
            problems.append(f"Rucio instance {label}: {reasons}")
            continue
        if instance.auth_type is None:
            instance = instance.model_copy(update={"auth_type": default_auth_type or "oidc"})
        if instance.name in instances:
            problems.append(f"Rucio instance {instance.name}: defined twice; the first one is used")
            continue
        instances[instance.name] = instance
    return instances, problems


MINIMAL_CLIENT_CONFIG = """\
# Written by jupyterlab-vre because this server has no Rucio client configuration.
# rucio-clients' storage protocols (used for uploads) read [common] from a config
# file and fail without one. No hosts or credentials here: rucio_ext passes those per call.
[common]
multi_vo = False

[client]
"""


def ensure_rucio_client_config(directory: Path) -> Path | None:
    """Give rucio-clients a minimal config when it would find none; the file written, if any.

    rucio-clients reads its config once (`get_config` is cached). RUCIO_CONFIG is set
    only while that first read happens, at start-up, and removed again: left in this
    process's environment, every kernel the server starts would inherit it.
    """
    from rucio.common.config import get_config, get_config_dirs

    if os.environ.get("RUCIO_CONFIG"):
        return None
    if any(Path(folder, "rucio.cfg").exists() for folder in get_config_dirs()):
        return None
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "vre-rucio-client.cfg"
    path.write_text(MINIMAL_CLIENT_CONFIG)
    get_config.cache_clear()
    os.environ["RUCIO_CONFIG"] = str(path)
    try:
        get_config()
    finally:
        del os.environ["RUCIO_CONFIG"]
    return path
