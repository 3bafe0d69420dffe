import sys
from pathlib import Path

import pytest

# Tests record measured figures with `from figures import record` (scripts/figures.py).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

# leakcheck: no test credential in any captured output, answer or notebook (tests/leakcheck.py).
pytest_plugins = ("pytest_jupyter.jupyter_server", "leakcheck")


@pytest.fixture
def jp_server_config(jp_server_config):
    """A real in-process Jupyter server with the three VRE extensions on, logging at DEBUG
    (its whole log is then in the captured output leakcheck scans)."""
    return {
        **jp_server_config,
        "ServerApp": {
            **jp_server_config.get("ServerApp", {}),
            "log_level": "DEBUG",
            "jpserver_extensions": {
                "rucio_ext": True,
                "reana_ext": True,
                "zenodo_ext": True,
                "lifecycle_ext": True,
            },
        },
    }


@pytest.fixture
def jp_fetch(jp_fetch):
    """`jp_fetch` whose answers are scanned for credentials, and which learns the credentials tests store."""
    import json

    import leakcheck
    from tornado.httpclient import HTTPClientError

    async def fetch(*parts, **kwargs):
        if "credentials" in parts and kwargs.get("body"):
            try:
                for value in json.loads(kwargs["body"]).get("fields", {}).values():
                    leakcheck.add_secret(value)
            except (ValueError, AttributeError):
                pass
        where = "/".join(str(p) for p in parts)
        try:
            response = await jp_fetch(*parts, **kwargs)
        except HTTPClientError as err:
            if err.response is not None:
                body = err.response.body.decode(errors="replace")
                leakcheck.check(body, f"the answer to {where}")
                # The one-line failure summary then says what the server answered, not only the status.
                err.message = f"{err.message} from {where}: {body[:300]}"
            raise
        leakcheck.check(response.body.decode(errors="replace"), f"the answer to {where}")
        return response

    return fetch
