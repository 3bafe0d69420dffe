"""A corpus of hostile paths against every endpoint that takes a workspace path: zero escapes.

An escape is a file written or changed outside the Jupyter root, the content of a file outside it in an
answer, or an accepted request for a path that leaves the root. Checked on disk after every request.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from figures import record
from tornado.httpclient import HTTPClientError

SENTINEL = f"outside-{uuid.uuid4().hex}"

# Path-taking fields of the request models; a new one must be added to ENDPOINTS below.
PATH_FIELDS = {"path", "paths", "target", "folder", "codemeta_path", "specification"}
# The error codes a refused path may carry; a refusal with any other code is a finding.
PATH_CODES = {"invalid_path", "path_outside_root", "invalid_body"}
RUN = {"id": "w1", "name": "fit.1", "status": "finished", "engine": "serial"}
INPUTS = [{"variable": "x", "did": "user.jdoe:a", "instance": "dl", "value": "/x"}]


def endpoints(workflow: str, deposition: int) -> list[tuple[str, tuple[str, ...], Any]]:
    """(method, URL parts, how to place the path P) of every endpoint that takes a path."""
    return [
        ("POST", ("rucio", "dl", "upload"), lambda p: {"path": p, "rse": "XRD1", "scope": "user.jdoe"}),
        ("POST", ("reana", "validate"), lambda p: {"path": p}),
        ("POST", ("reana", "validate"), lambda p: {"path": p, "text": "workflow: {type: serial}\n"}),
        ("POST", ("reana", "workflows"), lambda p: {"path": p, "name": "hostile"}),
        ("POST", ("reana", "run"), lambda p: {"path": p, "name": "hostile"}),
        ("POST", ("reana", "workflows", workflow, "upload"), lambda p: {"path": p}),
        ("POST", ("reana", "workflows", workflow, "download"), lambda p: {"target": p}),
        ("POST", ("zenodo", "depositions"), lambda p: {"codemeta_path": p}),
        ("GET", ("zenodo", "codemeta"), lambda p: {"path": p}),
        ("POST", ("zenodo", "depositions", str(deposition), "upload"), lambda p: {"paths": [p]}),
        ("POST", ("zenodo", "records", "1", "fetch"), lambda p: {"folder": p}),
        ("POST", ("lifecycle", "spec"), lambda p: {"folder": p, "mode": "mounted", "inputs": INPUTS}),
        ("POST", ("lifecycle", "crate"), lambda p: {"folder": p, "run": RUN}),
        ("POST", ("lifecycle", "crate"), lambda p: {"folder": "fine", "run": RUN, "specification": p}),
    ]


def hostile_paths(outside: Path) -> list[tuple[str, bool]]:
    """(path, whether it certainly leaves the root or is malformed: such a path must be refused)."""
    bad = [
        "..",
        "../",
        "../outside",
        "../outside/secret.txt",
        "../outside/reana.yaml",
        "../outside/codemeta.json",
        "../../../../../../etc/passwd",
        "a/../../outside",
        "./../outside",
        "workflow/../../outside",
        "/etc/passwd",
        str(outside),
        str(outside / "secret.txt"),
        str(outside / "codemeta.json"),
        "//etc/passwd",
        "\\etc\\passwd",
        "link-out",
        "link-out/secret.txt",
        "link-out/codemeta.json",
        "link-file",
        "nested/link-up",
        "nested/link-up/secret.txt",
        "x" * 5000,
        "a/" * 2100 + "b",
        "a\x00b",
        "../outside\x00.txt",
    ]
    odd = [  # odd, but names inside the root: fine to accept, never to escape
        "%2e%2e/outside",
        "..%2foutside",
        "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "..\\outside",
        "..\\..\\outside",
        "\u2024\u2024/outside",  # one-dot leaders
        "\uff0e\uff0e/outside",  # fullwidth full stops
        "\u2025/outside",  # two-dot leader
        "...",
        ".../outside",
        "~/outside",
        "~root/.ssh",
        "\u202e..txt",
        " ../outside",
        "file:///etc/passwd",
        "x" * 255,
    ]
    return [(p, True) for p in bad] + [(p, False) for p in odd]


@pytest.fixture(scope="module")
def stack(devstack_up: Any) -> dict[str, Any]:
    return devstack_up("reana", "zenodo")


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """Files the server must never read or write: next to the root, with a sentinel in each."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text(SENTINEL)
    (folder / "reana.yaml").write_text(
        f"version: 0.9.0\ninputs:\n  parameters:\n    leak: {SENTINEL}\n"
        "workflow:\n  type: serial\n  specification:\n    steps:\n      - commands: [echo hi]\n"
    )
    (folder / "codemeta.json").write_text(json.dumps({"name": SENTINEL, "description": SENTINEL}))
    return folder


@pytest.fixture
def jp_server_config(every_path_endpoint_config):
    return every_path_endpoint_config


def tornado_cleaned(method: str, path: str) -> set[str]:
    """Tornado's get_argument turns a query argument's NUL into a space: the GET then names a harmless
    path inside the root ('a b'), and not finding it is the right answer."""
    return {"codemeta_not_found"} if method == "GET" and "\x00" in path else set()


def error_code(text: str) -> str | None:
    try:
        return json.loads(text).get("error")
    except ValueError:
        return None


def snapshot(top: Path, root: Path) -> dict[str, tuple[int, int]]:
    """Every file and link under `top` outside `root`: (size, mtime_ns)."""
    seen = {}
    for path in top.rglob("*"):
        if path == root or root in path.parents:
            continue
        stat = path.lstat()
        seen[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return seen


def test_every_path_field_is_covered():
    """A request model with a path field must have its endpoint in `endpoints()` above."""
    import importlib

    from pydantic import BaseModel

    covered = {
        "rucio_ext": {"UploadInput"},
        "reana_ext": {
            "PathInput",
            "ValidateInput",
            "CreateInput",
            "RunInput",
            "UploadInput",
            "DownloadInput",
        },
        "zenodo_ext": {"CreateInput", "UploadInput", "FetchInput"},
        "lifecycle_ext": {"SpecInput", "CrateInput"},
    }
    for package, known in covered.items():
        models = importlib.import_module(f"{package}.models")
        for name in dir(models):
            model = getattr(models, name)
            takes_path = isinstance(model, type) and issubclass(model, BaseModel) and name.endswith("Input")
            if takes_path and PATH_FIELDS & set(model.model_fields):
                assert name in known, f"{package}.{name} takes a path: add its endpoint to the corpus"


async def test_hostile_paths_never_escape(jp_fetch, jp_root_dir, tmp_path, outside, stack):
    root = Path(jp_root_dir)
    (root / "link-out").symlink_to(outside)
    (root / "link-file").symlink_to(outside / "secret.txt")
    (root / "nested").mkdir()
    (root / "fine").mkdir()  # the crate's folder when its specification path is the hostile one
    (root / "nested" / "link-up").symlink_to("../../outside")
    for service, token in (("reana", stack["reana"]["token"]), ("zenodo", stack["zenodo"]["token"])):
        instance = "default" if service == "reana" else "custom"
        body = json.dumps({"fields": {"token": token}})
        await jp_fetch("vre", "api", "credentials", service, instance, method="PUT", body=body)
    deposition = json.loads(
        (
            await jp_fetch(
                "vre",
                "api",
                "zenodo",
                "depositions",
                method="POST",
                body=json.dumps(
                    {
                        "metadata": {
                            "title": "hostile",
                            "upload_type": "dataset",
                            "description": "d",
                            "creators": [{"name": "Doe, Jane"}],
                        }
                    }
                ),
            )
        ).body
    )["id"]

    before = snapshot(tmp_path.parent, root)
    tried, escapes, problems = 0, 0, []
    for method, parts, place in endpoints("some-workflow", deposition):
        for path, must_refuse in hostile_paths(outside):
            tried += 1
            payload = place(path)
            try:
                if method == "GET":
                    answer = await jp_fetch("vre", "api", *parts, params=payload)
                else:
                    answer = await jp_fetch("vre", "api", *parts, method=method, body=json.dumps(payload))
                code, text = answer.code, answer.body.decode()
            except HTTPClientError as err:
                code, text = err.code, err.response.body.decode() if err.response else ""
            where = f"{method} {'/'.join(parts)} {path[:60]!r} -> {code} {text[:160]}"
            if SENTINEL in text or (must_refuse and code < 400):
                escapes += 1
                problems.append(f"escape: {where}")
            elif code >= 500 and code not in (502, 504):
                problems.append(f"server error: {where}")
            elif must_refuse and code not in (400, 403):  # refused for the path, before any backend call
                problems.append(f"not refused: {where}")
            elif must_refuse and error_code(text) not in PATH_CODES | tornado_cleaned(method, path):
                problems.append(f"refused with another code: {where}")
            after = snapshot(tmp_path.parent, root)
            if after != before:
                escapes += 1
                problems.append(
                    f"changed outside the root: {where}: {set(after.items()) ^ set(before.items())}"
                )
                before = after
    record("security", "hostile paths tried", tried)
    record("security", "escapes", escapes)
    assert problems == []
    assert escapes == 0
