"""Rucio instance configuration: rucio-jupyterlab's format accepted as it is."""

import json
import os

import pytest

from rucio_ext.config import RucioInstance, load_instances

# An instance as the ESCAPE VRE configures rucio-jupyterlab (keys from its schema).
ESCAPE = {
    "name": "vre-rucio.cern.ch",
    "display_name": "RucioVRE",
    "rucio_base_url": "https://vre-rucio.cern.ch",
    "rucio_auth_url": "https://vre-rucio-auth.cern.ch",
    "rucio_ca_cert": "/certs/rucio_ca.pem",
    "site_name": "CERN",
    "voms_enabled": False,
    "destination_rse": "CERN-EOSPILOT",
    "rse_mount_path": "/eos/eulake",
    "path_begins_at": 4,
    "mode": "replica",
    "app_id": "swan",
    "wildcard_enabled": True,
    "oidc_auth": "env",
    "oidc_env_name": "ACCESS_TOKEN",
    "cache_expires_at": 0,
}


def test_a_rucio_jupyterlab_instance_is_accepted_as_it_is():
    instances, problems = load_instances([ESCAPE], default_auth_type=None)
    assert problems == []
    instance = instances["vre-rucio.cern.ch"]
    assert (instance.label, instance.auth_url, instance.auth_type) == (
        "RucioVRE",
        "https://vre-rucio-auth.cern.ch",
        "oidc",
    )


@pytest.mark.parametrize(
    ("path_begins_at", "pfn", "local"),
    [
        # rucio-jupyterlab semantics: drop that many leading components of the PFN's path.
        (
            4,
            "root://eospilot.cern.ch:1094//eos/eulake/tests/rucio/user.jdoe/ab/cd/f.root",
            "/eos/eulake/user.jdoe/ab/cd/f.root",
        ),
        (0, "file:///user.jdoe/f.root", "/eos/eulake/user.jdoe/f.root"),
        (1, "https://se.example.org:443/rse/user.jdoe/f.root", "/eos/eulake/user.jdoe/f.root"),
    ],
)
def test_pfns_map_under_the_mount_path(path_begins_at, pfn, local):
    instance = RucioInstance.model_validate({**ESCAPE, "path_begins_at": path_begins_at})
    assert instance.local_path(pfn) == local


def test_default_auth_type_fills_unset_ones():
    userpass = {**ESCAPE, "name": "b", "auth_type": "userpass"}
    instances, _ = load_instances([ESCAPE, userpass], default_auth_type="x509_proxy")
    assert instances["vre-rucio.cern.ch"].auth_type == "x509_proxy"
    assert instances["b"].auth_type == "userpass"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"destination_rse": ""}, "replica mode needs destination_rse and rse_mount_path"),
        ({"rucio_base_url": "ftp://x"}, "is not an http(s) URL"),
        ({"name": "no spaces please"}, "name"),
        ({"path_begins_at": -1}, "path_begins_at"),
        ({"mode": "stream"}, "mode"),
    ],
)
def test_an_invalid_instance_is_reported_and_the_others_kept(change, reason):
    good = {**ESCAPE, "name": "good"}
    instances, problems = load_instances([{**ESCAPE, **change}, good], default_auth_type=None)
    assert list(instances) == ["good"]
    assert len(problems) == 1 and reason in problems[0]


class TestLegacyRucioConfig:
    """`c.RucioConfig.*` from a rucio-jupyterlab deployment, with no `c.RucioExtension`."""

    @pytest.fixture
    def jp_server_config(self, jp_server_config):
        return {
            **jp_server_config,
            "RucioConfig": {
                "instances": [ESCAPE, {**ESCAPE, "name": "broken", "mode": "replica", "rse_mount_path": ""}],
                "default_instance": "vre-rucio.cern.ch",
                "default_auth_type": "oidc",
            },
        }

    async def test_status_lists_the_instances_and_the_problem(self, jp_fetch):
        status = json.loads((await jp_fetch("vre", "api", "rucio", "status")).body)
        assert status["configured"] is True
        assert status["details"]["instances"] == ["vre-rucio.cern.ch"]
        assert status["details"]["default_instance"] == "vre-rucio.cern.ch"
        assert "broken" in status["details"]["problems"][0]


def test_a_minimal_client_config_is_written_only_when_rucio_would_find_none(tmp_path, monkeypatch):
    from rucio.common.config import get_config

    from rucio_ext.config import ensure_rucio_client_config

    for var in ("RUCIO_CONFIG", "RUCIO_HOME", "CONDA_PREFIX"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("VIRTUAL_ENV", str(tmp_path / "venv"))
    written = ensure_rucio_client_config(tmp_path / "runtime")
    assert written is not None
    assert "multi_vo = False" in written.read_text()
    assert "password" not in written.read_text() and "token" not in written.read_text()
    # rucio-clients reads it, and the server's environment (which kernels inherit) does not name it.
    assert get_config().get("common", "multi_vo") == "False"
    assert "RUCIO_CONFIG" not in os.environ
    get_config.cache_clear()

    # An admin's config wins: RUCIO_CONFIG set, or a rucio.cfg where rucio-clients looks.
    monkeypatch.setenv("RUCIO_CONFIG", str(written))
    assert ensure_rucio_client_config(tmp_path / "other") is None
    monkeypatch.delenv("RUCIO_CONFIG")
    (tmp_path / "venv" / "etc").mkdir(parents=True)
    (tmp_path / "venv" / "etc" / "rucio.cfg").write_text("[client]\n")
    assert ensure_rucio_client_config(tmp_path / "other") is None
    assert "RUCIO_CONFIG" not in os.environ


def test_the_admin_guide_config_is_valid():
    """The configuration admins copy from the admin guide (docs/admin/configuration.md) loads without problems."""
    from doc_blocks import named_block
    from traitlets.config import Config

    c = Config()
    exec(named_block("admin/configuration.md", "admin-config"), {"c": c})  # noqa: S102 (our own docs)
    instances, problems = load_instances(c.RucioExtension.instances, None)
    assert problems == []
    assert {i.mode for i in instances.values()} == {"replica", "download"}
