"""A pytest plugin: no test credential in any test's captured output, logs, failure text, the /vre/api
answers the tests see, or the notebooks they leave in their Jupyter root. Tests' Jupyter servers log at
DEBUG (tests/conftest.py), so their whole log is in what is scanned; servers run as separate processes
(the fuzzer's) scan their log and answers with `leaks_in`/`check`.

The credentials: every secret-looking value of the dev stack's description (passwords, client secrets,
REANA and Zenodo tokens), the IAM tokens issued by `iam_login` during the run, every credential field
a test stores through `PUT /vre/api/credentials/...`, anything shaped like a JWT (the dev IAM's
access tokens) and any PEM private key (an X.509 key or proxy). A hit fails the test in whose phase
it was seen. Figures: "leaks" and "outputs scanned" (distinct texts) in the "security" suite.

Also a command, for what the UI tests leave (the Galata server's DEBUG log, the browser storage
dumps of ui-tests/tests/fixtures.ts): `python tests/leakcheck.py FILE...` exits 1 on a leak and
records "UI outputs scanned" and "UI leaks".
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")
PRIVATE_KEY = re.compile(r"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----")
SECRET_KEY = re.compile(r"secret|password|passwd|token", re.I)
MIN_LENGTH = 8  # shorter values (e.g. "secret") are common words: too many false hits

_secrets: set[str] = set()
_stack_mtime: float | None = None
_scanned: set[bytes] = set()  # digests of the distinct texts scanned
_leaks: set[tuple[bytes, str]] = set()  # (text digest, what leaked): a text scanned twice counts once


def add_secret(value: Any) -> None:
    if isinstance(value, str) and len(value) >= MIN_LENGTH:
        _secrets.add(value)


def _stack_secrets() -> None:
    """The dev stack's secrets, re-read whenever its description changes."""
    global _stack_mtime
    path = Path(os.environ.get("VRE_DEVSTACK_HOME", REPO / ".devstack")) / "stack.json"
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return
    if mtime == _stack_mtime:
        return
    _stack_mtime = mtime

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)
        elif isinstance(node, list):
            for v in node:
                walk(v, key)
        elif SECRET_KEY.search(key) and not key.endswith(("_env", "_path", "_file", "_url", "endpoint")):
            add_secret(node)

    walk(json.loads(path.read_text()))


def credentials_in(text: str) -> list[str]:
    """What in `text` is a credential (shown shortened, never whole); counts nothing."""
    _stack_secrets()
    found = [f"{s[:4]}… ({len(s)} chars)" for s in _secrets if s in text]
    found += [f"JWT {m.group()[:10]}…" for m in JWT.finditer(text)]
    return found + ["a PEM private key" for _ in PRIVATE_KEY.finditer(text)]


def leaks_in(text: str) -> list[str]:
    """`credentials_in`, counted as one output scanned (if no equal text was) and its hits as leaks."""
    found = credentials_in(text)
    digest = hashlib.sha256(text.encode(errors="replace")).digest()
    _scanned.add(digest)
    _leaks.update((digest, f) for f in found)
    return found


def check(text: str, where: str) -> None:
    """For answers a test sees: fail at once on a credential."""
    found = leaks_in(text)
    if found:
        pytest.fail(f"credential leak in {where}: {', '.join(found)}", pytrace=False)


def _watch_iam_login() -> None:
    """Remember every token the dev IAM issues through `iam_login` (tests and the demo config use it)."""
    try:
        import devstack_jupyter_config as config
    except ImportError:
        return
    if getattr(config.iam_login, "_watched", False):
        return
    real = config.iam_login

    def iam_login(*args: Any, **kwargs: Any) -> Any:
        tokens = real(*args, **kwargs)
        for key in ("access_token", "refresh_token", "id_token"):
            add_secret(tokens.get(key))
        return tokens

    iam_login._watched = True  # type: ignore[attr-defined]
    config.iam_login = iam_login


def pytest_collection_finish(session: pytest.Session) -> None:
    _watch_iam_login()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    outcome = yield
    report = outcome.get_result()
    # Each phase's report repeats the earlier phases' sections: scan only its own.
    texts = [(name, content) for name, content in report.sections if name.endswith(report.when)]
    if report.failed and report.longrepr is not None:
        texts.append(("failure text", str(report.longrepr)))
    if report.when == "teardown":
        root = getattr(item, "funcargs", {}).get("jp_root_dir")
        if root is not None and Path(root).is_dir():
            texts += [
                (f"notebook {p.name}", p.read_text(errors="replace")) for p in Path(root).rglob("*.ipynb")
            ]
    problems = []
    for name, text in texts:
        found = leaks_in(text)
        if found:
            problems.append(f"{name} ({report.when}): {', '.join(found)}")
    if problems and not report.failed:
        report.outcome = "failed"
        report.longrepr = "credential leak: " + "; ".join(problems)


def pytest_sessionfinish(session: pytest.Session) -> None:
    from figures import record

    if _scanned:
        record("security", "outputs scanned for credentials", len(_scanned))
        record("security", "leaks", len(_leaks))


def main(paths: list[str]) -> int:
    """Scan files (the UI tests' server log and browser storage dumps); 1 if any holds a credential."""
    from figures import record

    if not paths:
        print("leakcheck: no file to scan; a scan of nothing proves nothing", file=sys.stderr)
        return 1
    problems = []
    for path in paths:
        try:
            text = Path(path).read_text(errors="replace")
        except OSError as err:
            problems.append(f"{path} cannot be read ({err.strerror})")
            continue
        found = leaks_in(text)
        if found:
            problems.append(f"credential leak in {path}: {', '.join(found)}")
    record("security", "UI outputs scanned", len(_scanned))
    record("security", "UI leaks", len(_leaks))
    print(f"leakcheck: {len(_scanned)} distinct outputs scanned, {len(_leaks)} leak(s)")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "scripts"))
    sys.exit(main(sys.argv[1:]))
