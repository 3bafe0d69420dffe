"""`GET /vre/api/<service>/status` answers with real values read from each extension's config."""

import json

import pytest
from tornado.httpclient import HTTPClientError

from vre_common import __version__


async def get_status(jp_fetch, service):
    response = await jp_fetch("vre", "api", service, "status")
    assert response.code == 200
    return json.loads(response.body)


@pytest.mark.parametrize("service", ["rucio", "reana", "zenodo"])
async def test_status_reports_extension_and_version(jp_fetch, service):
    status = await get_status(jp_fetch, service)
    assert status["extension"] == f"{service}_ext"
    assert status["version"] == __version__
    assert isinstance(status["message"], str) and status["message"]


async def test_rucio_unconfigured_says_what_to_do(jp_fetch):
    status = await get_status(jp_fetch, "rucio")
    assert status["configured"] is False
    assert "c.RucioExtension.instances" in status["message"]
    assert status["details"] == {"instances": [], "default_instance": None}


class TestRucioConfigured:
    @pytest.fixture
    def jp_server_config(self, jp_server_config):
        return {
            **jp_server_config,
            "RucioExtension": {
                "instances": [
                    {"name": "escape", "rucio_base_url": "https://rucio.example.org", "mode": "download"},
                    {
                        "name": "cms",
                        "rucio_base_url": "https://cms-rucio.example.org",
                        "destination_rse": "SITE_MOUNT",
                        "rse_mount_path": "/eos/rucio",
                    },
                ],
                "default_instance": "cms",
            },
        }

    async def test_lists_instances_and_default(self, jp_fetch):
        status = await get_status(jp_fetch, "rucio")
        assert status["configured"] is True
        assert status["details"] == {"instances": ["escape", "cms"], "default_instance": "cms"}


class TestReanaFromEnvironment:
    @pytest.fixture
    def jp_server_config(self, jp_server_config, monkeypatch):
        # Set before the server (and so the extension) starts, as a hub would.
        monkeypatch.setenv("REANA_SERVER_URL", "https://reana.example.org/")
        return jp_server_config

    async def test_reads_server_url(self, jp_fetch):
        status = await get_status(jp_fetch, "reana")
        assert status["configured"] is True
        assert status["details"] == {"server_url": "https://reana.example.org"}


class TestReanaUnconfigured:
    @pytest.fixture
    def jp_server_config(self, jp_server_config, monkeypatch):
        monkeypatch.delenv("REANA_SERVER_URL", raising=False)
        return jp_server_config

    async def test_says_what_to_set(self, jp_fetch):
        status = await get_status(jp_fetch, "reana")
        assert status["configured"] is False
        assert "REANA_SERVER_URL" in status["message"]


class TestZenodoDefault:
    @pytest.fixture
    def jp_server_config(self, jp_server_config, monkeypatch):
        monkeypatch.delenv("VRE_ZENODO_API_URL", raising=False)
        return jp_server_config

    async def test_defaults_to_sandbox(self, jp_fetch):
        status = await get_status(jp_fetch, "zenodo")
        assert status["details"] == {
            "api_url": "https://sandbox.zenodo.org/api",
            "environment": "sandbox",
            "default_community": "escape2020",
        }


class TestZenodoCustomURL:
    @pytest.fixture
    def jp_server_config(self, jp_server_config):
        return {
            **jp_server_config,
            "ZenodoExtension": {"api_url": "http://127.0.0.1:9/api/", "default_community": ""},
        }

    async def test_custom_url_overrides_environment(self, jp_fetch):
        status = await get_status(jp_fetch, "zenodo")
        assert status["details"] == {
            "api_url": "http://127.0.0.1:9/api",
            "environment": "custom",
            "default_community": None,
        }


async def test_status_needs_jupyter_auth(jp_fetch):
    with pytest.raises(HTTPClientError) as err:
        await jp_fetch("vre", "api", "rucio", "status", headers={"Authorization": ""})
    assert err.value.code == 403
