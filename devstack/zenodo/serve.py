"""Run `zenodo-mock` (PyPI) as the dev stack's Zenodo, behind a thin compatibility shim.

FOR DEVELOPMENT ONLY. zenodo-mock keeps depositions in memory and takes no
credentials. The shim, and nothing else, adds what the project needs from it:

- one access token (`access_token` query argument or `Authorization: Bearer`)
  is required on /api/deposit and /api/files, and a wrong one gets Zenodo's 401,
  so missing/expired-credential paths can be tested; records stay public;
- repeated slashes are collapsed, as zenodo.org does: eOSSR builds
  `<api_base_url>/deposit/...` from a base URL that ends in `/`;
- `newversion` answers with the old deposition plus `links.latest_draft`, as
  Zenodo does (zenodo-mock 0.1.1 sends only the link; eOSSR reads `files`);
- `GET /api/deposit/depositions` (list) and `DELETE /api/deposit/depositions/<id>`
  (discard an unpublished draft), which zenodo-mock 0.1.1 lacks;
- no static files: zenodo-mock would otherwise serve its working directory;
- access tokens are scrubbed from the request log.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from zenodo_mock.server import DepositStore, MockZenodoHandler

PROTECTED = ("/api/deposit", "/api/files")
NOTE = "zenodo-mock behind the dev stack shim, for development only"


class Handler(MockZenodoHandler):
    token: str = ""
    lock = threading.Lock()
    server_version = "vre-devstack-zenodo-mock"

    def _prepare(self) -> bool:
        """Normalise the path, check the token and the deposition; False when a response was sent."""
        path, sep, query = self.path.partition("?")
        self.path = re.sub(r"/{2,}", "/", path) + sep + query
        url = urlparse(self.path)
        if not url.path.startswith(PROTECTED):
            return True
        given = parse_qs(url.query).get("access_token", [""])[0]
        auth = self.headers.get("Authorization", "")
        if not given and auth.lower().startswith("bearer "):
            given = auth[7:].strip()
        if not (given and secrets.compare_digest(given.encode(), self.token.encode())):
            self._json(
                401,
                {
                    "status": 401,
                    "message": "The server could not verify that you are authorized "
                    "to access the URL requested (zenodo-mock dev stack: wrong or missing access token).",
                },
            )
            return False
        # zenodo-mock drops the connection on these instead of answering
        parts = url.path.strip("/").split("/")
        files = parts[:2] == ["api", "files"]
        dep_id = parts[2] if files and len(parts) > 2 else parts[3] if len(parts) > 3 else None
        if dep_id is not None and self.store.get(dep_id) is None:
            self._json(404, {"status": 404, "message": "PID does not exist."})
            return False
        if files and (len(parts) != 4 or parts[3] in (".", "..")):
            self._json(400, {"status": 400, "message": "A bucket upload is PUT /api/files/<id>/<file name>."})
            return False
        return True

    def _json(self, status: int, payload: object) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        self.send_header("X-VRE-Devstack", NOTE)
        super().end_headers()

    def send_head(self) -> None:  # the static-file fallback of SimpleHTTPRequestHandler
        self.send_error(404, "Unknown endpoint")
        return None

    def log_message(self, format: str, *args) -> None:
        super().log_message("%s", re.sub(r"access_token=[^&\s\"]*", "access_token=***", format % args))

    def do_GET(self) -> None:
        if self._prepare():
            with self.lock:
                if urlparse(self.path).path.rstrip("/") == "/api/deposit/depositions":
                    self._json(200, list(self.store.depositions.values()))
                else:
                    super().do_GET()

    def do_POST(self) -> None:
        if not self._prepare():
            return
        parts = urlparse(self.path).path.strip("/").split("/")
        with self.lock:
            if parts[:3] == ["api", "deposit", "depositions"] and parts[4:] == ["actions", "newversion"]:
                old = self.store.depositions[parts[3]]  # _prepare checked that it exists
                # Zenodo answers with the old deposition plus links.latest_draft (eOSSR reads its "files").
                latest = self.store.new_version(parts[3])["links"]["latest_draft"]
                self._json(201, {**old, "links": {**old["links"], "latest_draft": latest}})
                return
            super().do_POST()

    def do_PUT(self) -> None:
        if self._prepare():
            with self.lock:
                super().do_PUT()

    def do_DELETE(self) -> None:
        if not self._prepare():
            return
        parts = urlparse(self.path).path.strip("/").split("/")
        with self.lock:
            if len(parts) == 4 and parts[:3] == ["api", "deposit", "depositions"]:
                if self.store.depositions[parts[3]]["state"] == "done":
                    self._json(403, {"status": 403, "message": "A published deposition cannot be deleted."})
                else:
                    del self.store.depositions[parts[3]]
                    self.send_response(204)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                return
            super().do_DELETE()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--storage-dir", type=Path, required=True)
    parser.add_argument(
        "--token", default=os.environ.get("VRE_ZENODO_TOKEN"), help="default: $VRE_ZENODO_TOKEN"
    )
    args = parser.parse_args()
    if not args.token:
        parser.error("an access token is required (--token or VRE_ZENODO_TOKEN)")
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    args.storage_dir.mkdir(parents=True, exist_ok=True)
    Handler.store = DepositStore(f"http://{args.host}:{server.server_address[1]}", args.storage_dir)
    Handler.token = args.token
    print(f"{NOTE}: http://{args.host}:{server.server_address[1]}/api", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
