"""The leak scanner itself finds what it must (without counting these as leaks of the run)."""

from __future__ import annotations

import json
from pathlib import Path

import leakcheck

REPO = Path(__file__).resolve().parents[2]


def test_it_finds_a_stored_credential_a_jwt_and_the_dev_stack_secrets():
    leakcheck.add_secret("a-user-token-0123456789")
    assert leakcheck.credentials_in("log: token=a-user-token-0123456789 sent")
    jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqZG9lIn0.c2lnbmF0dXJlLWJ5dGVz"
    assert leakcheck.credentials_in(f"Authorization: Bearer {jwt}")
    assert leakcheck.credentials_in("nothing to see: openid profile, user.jdoe") == []
    assert leakcheck.credentials_in("short ones like 'secret' are not taken") == []


def test_it_knows_the_dev_stack_client_secret(devstack_up):
    iam = devstack_up("iam")["iam"]
    assert leakcheck.credentials_in(json.dumps({"client_secret": iam["client_secret"]}))
