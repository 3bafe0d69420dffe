"""Run `zenodo-mock` (PyPI) as the dev stack's Zenodo, behind a thin compatibility shim.

FOR DEVELOPMENT ONLY. zenodo-mock keeps depositions in memory and takes no
credentials. The shim, and nothing else, adds what the project needs from it,
shaped as zenodo.org's REST API answers (https://developers.zenodo.org):

- one access token (`access_token` query argument or `Authorization: Bearer`)
  is required on /api/deposit, /api/files and record community requests, and a
  wrong one gets Zenodo's 401, so missing/expired-credential paths can be
  tested; records stay public;
- repeated slashes are collapsed, as zenodo.org does: eOSSR builds
  `<api_base_url>/deposit/...` from a base URL that ends in `/`;
- `newversion` answers with the old deposition plus `links.latest_draft`, as
  Zenodo does (zenodo-mock 0.1.1 sends only the link; eOSSR reads `files`); the
  new draft keeps the concept (`conceptrecid`) and the metadata of the old one;
- `GET /api/deposit/depositions` (list, `page`/`size`, newest first) and
  `DELETE /api/deposit/depositions/<id>` (discard an unpublished draft);
- bucket uploads (`PUT /api/files/<bucket>/<name>`) streamed to disk, answered
  with the file's size and `md5:` checksum; a truncated body stores nothing; a
  published deposition's bucket is locked (403);
- publish checks the required metadata and answers Zenodo's 400 "Validation
  error." with per-field errors;
- published records carry `conceptrecid`/`conceptdoi` and version relations;
  `GET /api/records/<conceptrecid>` gives the latest version;
- `GET /api/records?q=&communities=&page=&size=&all_versions=` (search),
  `GET /api/communities?q=` and `/api/communities/<slug>`, and
  `POST /api/records/<id>/communities` (inclusion request), and
  `GET /api/licenses` (a few of zenodo.org's, for eOSSR's codemeta converter). Unlike zenodo.org,
  where a community's curators accept a request later, this stand-in accepts
  every inclusion request at once (on publish for a draft's
  `metadata.communities`), so that community search has something to find;
- no static files: zenodo-mock would otherwise serve its working directory;
- access tokens are scrubbed from the request log;
- test switch `--hostile` (off in the dev stack): records 990001-990007 are
  hostile answers a real server could give (file keys `../../x`, absolute and
  300 characters long, a malformed body, a file stream far longer than its
  listed size, an answer slower than any client timeout, more files than a
  record may hold), so tests can show that each is refused or confined.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from datetime import date, datetime, timezone
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from zenodo_mock.server import DepositStore, MockZenodoHandler

PROTECTED = ("/api/deposit", "/api/files")
NOTE = "zenodo-mock behind the dev stack shim, for development only"
CHUNK = 1 << 20
REQUIRED = ("title", "upload_type", "description", "creators")
UPLOAD_TYPES = {
    "publication", "poster", "presentation", "dataset", "image", "video",
    "software", "lesson", "physicalobject", "other",
}  # fmt: skip
# Communities the stand-in knows (zenodo.org has thousands; these are enough to search).
COMMUNITIES = [
    {
        "slug": "escape2020",
        "title": "ESCAPE 2020",
        "description": "European Science Cluster of Astronomy & Particle physics ESFRI research infrastructures.",
    },
    {
        "slug": "vre-devstack",
        "title": "VRE dev stack",
        "description": "A community of the jupyterlab-vre dev stack, for tests.",
    },
]


def now() -> str:
    return datetime.now(timezone.utc).isoformat()


def flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def validation_errors(metadata: dict[str, Any]) -> list[dict[str, str]]:
    """Zenodo's per-field errors for a deposition that cannot be published yet."""
    errors = [
        {"field": f"metadata.{key}", "message": "Missing data for required field."}
        for key in REQUIRED
        if not metadata.get(key)
    ]
    if metadata.get("upload_type") and metadata["upload_type"] not in UPLOAD_TYPES:
        errors.append({"field": "metadata.upload_type", "message": "Not a valid choice."})
    for index, creator in enumerate(metadata.get("creators") or []):
        if not isinstance(creator, dict) or not creator.get("name"):
            errors.append({"field": f"metadata.creators.{index}.name", "message": "Name is required."})
    return errors


# A few of the licenses zenodo.org lists at /api/licenses (it has hundreds), in its shape.
LICENSES = [
    ("cc-by-4.0", "Creative Commons Attribution 4.0 International"),
    ("cc-by-sa-4.0", "Creative Commons Attribution Share Alike 4.0 International"),
    ("cc0-1.0", "Creative Commons Zero v1.0 Universal"),
    ("mit", "MIT License"),
    ("apache-2.0", "Apache License 2.0"),
    ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License'),
    ("gpl-3.0-or-later", "GNU General Public License v3.0 or later"),
]


class ShimStore(DepositStore):
    """zenodo-mock's store, with the parts of Zenodo's state that it lacks."""

    def create(self) -> dict:
        deposition = super().create()
        concept = str(self._next)  # a concept id of its own, as on Zenodo
        self._next += 1
        stamp = now()
        deposition.update(
            created=stamp,
            modified=stamp,
            submitted=False,
            title="",
            conceptrecid=concept,
            record_id=deposition["id"],
        )
        deposition["links"]["html"] = f"{self.base_url}/deposit/{deposition['id']}"
        return deposition

    def set_metadata(self, dep_id: str, metadata: dict) -> dict:
        deposition = self.depositions[dep_id]
        reserved = deposition["metadata"].get("prereserve_doi")
        super().set_metadata(dep_id, {**metadata, "prereserve_doi": reserved} if reserved else metadata)
        deposition.update(title=metadata.get("title", ""), modified=now())
        return deposition

    def add_file_stream(self, dep_id: str, filename: str, body: Any, length: int) -> dict | None:
        """Stream `length` bytes to the bucket; None (and nothing stored) when the body is cut short."""
        target = self._dir(dep_id) / filename
        partial = target.with_name(f".{filename}.part")
        digest = hashlib.md5(usedforsecurity=False)  # Zenodo reports md5 checksums
        left = length
        with partial.open("wb") as handle:
            while left > 0:
                chunk = body.read(min(CHUNK, left))
                if not chunk:
                    break
                digest.update(chunk)
                handle.write(chunk)
                left -= len(chunk)
        if left:
            partial.unlink(missing_ok=True)
            return None
        partial.replace(target)
        entry = {
            "id": filename,  # zenodo-mock deletes files by name
            "key": filename,
            "filename": filename,
            "size": length,
            "filesize": length,
            "checksum": digest.hexdigest(),
            "links": {"self": f"{self.base_url}/api/files/{dep_id}/{filename}"},
        }
        deposition = self.depositions[dep_id]
        deposition["files"] = [f for f in deposition["files"] if f["filename"] != filename] + [entry]
        deposition["modified"] = now()
        return entry

    def publish(self, dep_id: str) -> dict:
        deposition = self.depositions[dep_id]
        deposition["metadata"].setdefault("publication_date", date.today().isoformat())
        deposition["metadata"].setdefault("access_right", "open")
        super().publish(dep_id)
        concept = deposition["conceptrecid"]
        deposition.update(submitted=True, modified=now(), conceptdoi=self.doi_for(concept))
        deposition["links"]["latest_html"] = deposition["links"]["record_html"]
        record = self.records[dep_id]
        checksums = {f["filename"]: f.get("checksum") for f in deposition["files"]}
        for entry in record["files"]:
            entry["checksum"] = f"md5:{checksums.get(entry['key'])}"
        record.update(
            conceptrecid=concept,
            conceptdoi=self.doi_for(concept),
            created=deposition["modified"],
            title=deposition["metadata"].get("title", ""),
        )
        record["links"]["latest_html"] = record["links"]["html"]
        # The stand-in accepts inclusion requests at once (zenodo.org's curators do it later).
        requested = [c["identifier"] for c in deposition["metadata"].get("communities", [])]
        record["metadata"]["communities"] = [{"id": slug} for slug in dict.fromkeys(requested)]
        self._relink_versions(concept)
        return deposition

    def _relink_versions(self, concept: str) -> None:
        versions = sorted(
            (r for r in self.records.values() if r.get("conceptrecid") == concept), key=lambda r: r["id"]
        )
        for index, record in enumerate(versions):
            last = index == len(versions) - 1
            record["metadata"]["relations"] = {
                "version": [
                    {
                        "index": index,
                        "is_last": last,
                        "count": len(versions),
                        "parent": {"pid_type": "recid", "pid_value": concept},
                        "last_child": {"pid_type": "recid", "pid_value": str(versions[-1]["id"])},
                    }
                ]
            }

    def new_version(self, dep_id: str) -> dict:
        old = self.depositions[dep_id]
        draft = self.create()
        draft_id = str(draft["id"])
        draft["conceptrecid"] = old["conceptrecid"]
        metadata = {
            k: v for k, v in old["metadata"].items() if k not in ("doi", "prereserve_doi", "publication_date")
        }
        self.set_metadata(draft_id, {**metadata, "prereserve_doi": draft["metadata"]["prereserve_doi"]})
        for entry in old["files"]:
            source = self._dir(dep_id) / entry["filename"]
            if source.exists():
                shutil.copyfile(source, self._dir(draft_id) / entry["filename"])
                draft["files"].append(
                    {**entry, "links": {"self": f"{self.base_url}/api/files/{draft_id}/{entry['filename']}"}}
                )
        return {"links": {"latest_draft": draft["links"]["self"]}}

    def latest(self, record_id: str) -> dict | None:
        """A record by id, or the latest version of a concept."""
        if record_id in self.records:
            return self.records[record_id]
        versions = [r for r in self.records.values() if r.get("conceptrecid") == record_id]
        return max(versions, key=lambda r: r["id"]) if versions else None


def matches(record: dict, query: str) -> bool:
    """A small part of Zenodo's query syntax: `field:value` terms, and words found in the text."""
    for term in query.split():
        field, sep, value = term.partition(":")
        if sep and field in ("conceptrecid", "doi", "id", "recid"):
            wanted = {"recid": "id"}.get(field, field)
            if str(record.get(wanted, "")).lower() != value.strip('"').lower():
                return False
            continue
        metadata = record["metadata"]
        text = " ".join(
            [
                metadata.get("title", ""),
                re.sub(r"<[^>]+>", " ", metadata.get("description", "")),
                " ".join(metadata.get("keywords", [])),
                " ".join(c.get("name", "") for c in metadata.get("creators", [])),
            ]
        ).lower()
        if term.strip('"').lower() not in text:
            return False
    return True


def in_communities(record: dict) -> list[str]:
    return [c["id"] for c in record["metadata"].get("communities", [])]


def community_json(base_url: str, community: dict[str, str]) -> dict:
    slug = community["slug"]
    return {
        "id": slug,
        "slug": slug,
        "metadata": {"title": community["title"], "description": community["description"]},
        "links": {
            "self": f"{base_url}/api/communities/{slug}",
            "self_html": f"{base_url}/communities/{slug}",
            "records": f"{base_url}/api/communities/{slug}/records",
        },
    }


HOSTILE_FIRST = 990001
HOSTILE_KEYS = {990001: "../../x", 990002: "/tmp/vre-hostile-absolute", 990003: "a" * 300}
HOSTILE_SLOW_SECONDS = 30


def hostile_record(base_url: str, record_id: int) -> dict | None:
    """The hostile record `record_id`'s JSON (None: not a JSON answer); see the module's test switch."""
    count = 10_001 if record_id == 990007 else 1
    key = HOSTILE_KEYS.get(record_id, "fine.txt")
    files = [
        {
            "key": key if count == 1 else f"f{n}.txt",
            "size": 16,
            "checksum": "md5:" + hashlib.md5(b"x" * 16, usedforsecurity=False).hexdigest(),
            "links": {"self": f"{base_url}/hostile-files/{record_id}"},
        }
        for n in range(count)
    ]
    return {
        "id": record_id,
        "conceptrecid": str(record_id),
        "doi": f"10.5072/zenodo.{record_id}",
        "metadata": {"title": f"Hostile record {record_id} (stand-in test switch)", "doi": "10.5072/x"},
        "files": files,
        "links": {"self": f"{base_url}/api/records/{record_id}"},
    }


class Handler(MockZenodoHandler):
    token: str = ""
    hostile = False
    lock = threading.Lock()
    server_version = "vre-devstack-zenodo-mock"
    store: ShimStore

    def _prepare(self) -> bool:
        """Normalise the path, check the token and the deposition; False when a response was sent."""
        path, sep, query = self.path.partition("?")
        self.path = re.sub(r"/{2,}", "/", path) + sep + query
        url = urlparse(self.path)
        parts = url.path.strip("/").split("/")
        community_request = parts[:2] == ["api", "records"] and parts[3:] == ["communities"]
        if not (url.path.startswith(PROTECTED) or (community_request and self.command == "POST")):
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
        if community_request:
            return True
        # zenodo-mock drops the connection on these instead of answering
        files = parts[:2] == ["api", "files"]
        dep_id = parts[2] if files and len(parts) > 2 else parts[3] if len(parts) > 3 else None
        if dep_id is not None and self.store.get(dep_id) is None:
            self._json(404, {"status": 404, "message": "PID does not exist."})
            return False
        if files and (len(parts) != 4 or unquote(parts[3]) in (".", "..") or "/" in unquote(parts[3])):
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

    # --- reads ----------------------------------------------------------------------
    def _serve_hostile(self) -> bool:
        """The `--hostile` test switch's answers; False when the path is not one of them."""
        parts = urlparse(self.path).path.strip("/").split("/")
        ids = range(HOSTILE_FIRST, HOSTILE_FIRST + 7)
        if (
            len(parts) == 3
            and parts[:2] == ["api", "records"]
            and parts[2].isdigit()
            and int(parts[2]) in ids
        ):
            record_id = int(parts[2])
            if record_id == 990004:  # malformed: not JSON
                body = b'{"id": 990004, "metadata": {"title": '
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            elif record_id == 990006:  # slower than any client timeout
                time.sleep(HOSTILE_SLOW_SECONDS)
                self._json(200, hostile_record(self.store.base_url, record_id))
            else:
                self._json(200, hostile_record(self.store.base_url, record_id))
            return True
        if len(parts) == 2 and parts[0] == "hostile-files":
            # The record lists 16 bytes; a file stream of 64 MB (no length: streamed until closed).
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(1024):
                    self.wfile.write(b"x" * 65536)
            self.close_connection = True
            return True
        return False

    def do_GET(self) -> None:
        if self.hostile and self._serve_hostile():
            return
        if not self._prepare():
            return
        url = urlparse(self.path)
        path = url.path.rstrip("/")
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = path.strip("/").split("/")
        with self.lock:
            if path == "/api/deposit/depositions":
                self._list_depositions(query)
            elif path == "/api/records":
                self._search_records(query)
            elif len(parts) == 3 and parts[:2] == ["api", "records"] and parts[2] not in self.store.records:
                record = self.store.latest(parts[2])
                if record is None:
                    self._json(404, {"status": 404, "message": "The persistent identifier does not exist."})
                else:
                    self.send_dict(record)
            elif path == "/api/licenses":
                self._search_licenses(query)
            elif path == "/api/communities":
                self._search_communities(query)
            elif len(parts) == 3 and parts[:2] == ["api", "communities"]:
                found = [c for c in COMMUNITIES if c["slug"] == parts[2]]
                if found:
                    self._json(200, community_json(self.store.base_url, found[0]))
                else:
                    self._json(404, {"status": 404, "message": "The persistent identifier does not exist."})
            else:
                super().do_GET()

    def _page(self, query: dict[str, str], default_size: int) -> tuple[int, int] | None:
        try:
            page, size = int(query.get("page", 1)), int(query.get("size", default_size))
        except ValueError:
            page = size = 0
        if page < 1 or not 1 <= size <= 1000:
            self._json(400, {"status": 400, "message": "Invalid page or size."})
            return None
        return page, size

    def _list_depositions(self, query: dict[str, str]) -> None:
        paging = self._page(query, 10)
        if paging is None:
            return
        page, size = paging
        items = sorted(self.store.depositions.values(), key=lambda d: d["id"], reverse=True)
        status = query.get("status")
        if status in ("draft", "published"):
            items = [d for d in items if (d["state"] == "done") == (status == "published")]
        self._json(200, items[(page - 1) * size : page * size])

    def _search_records(self, query: dict[str, str]) -> None:
        paging = self._page(query, 10)
        if paging is None:
            return
        page, size = paging
        records = sorted(self.store.records.values(), key=lambda r: r["id"], reverse=True)
        if not flag(query.get("all_versions")):
            latest: dict[str, dict] = {}
            for record in records:
                latest.setdefault(record.get("conceptrecid") or str(record["id"]), record)
            records = list(latest.values())
        if community := query.get("communities"):
            records = [r for r in records if community.lower() in in_communities(r)]
        if text := query.get("q", "").strip():
            records = [r for r in records if matches(r, text)]
        hits = records[(page - 1) * size : page * size]
        self._json(200, {"hits": {"hits": hits, "total": len(records)}, "aggregations": {}, "links": {}})

    def _search_licenses(self, query: dict[str, str]) -> None:
        paging = self._page(query, 10)
        if paging is None:
            return
        page, size = paging
        text = query.get("q", "").lower()
        found = [
            {"id": lid, "title": {"en": title}, "props": {"scheme": "spdx"}, "links": {}}
            for lid, title in LICENSES
            if text in f"{lid} {title}".lower()
        ]
        hits = found[(page - 1) * size : page * size]
        self._json(200, {"hits": {"hits": hits, "total": len(found)}, "aggregations": {}, "links": {}})

    def _search_communities(self, query: dict[str, str]) -> None:
        paging = self._page(query, 10)
        if paging is None:
            return
        page, size = paging
        text = query.get("q", "").lower()
        found = [
            community_json(self.store.base_url, c)
            for c in COMMUNITIES
            if text in f"{c['slug']} {c['title']} {c['description']}".lower()
        ]
        hits = found[(page - 1) * size : page * size]
        self._json(200, {"hits": {"hits": hits, "total": len(found)}, "aggregations": {}, "links": {}})

    # --- writes ---------------------------------------------------------------------
    def do_POST(self) -> None:
        if not self._prepare():
            return
        parts = urlparse(self.path).path.strip("/").split("/")
        with self.lock:
            if parts[:2] == ["api", "records"] and parts[3:] == ["communities"]:
                self._request_inclusion(parts[2])
                return
            if parts[:3] == ["api", "deposit", "depositions"] and parts[4:] == ["actions", "newversion"]:
                old = self.store.depositions[parts[3]]  # _prepare checked that it exists
                if old["state"] != "done":
                    self._json(
                        400, {"status": 400, "message": "Only a published deposition can have a new version."}
                    )
                    return
                # Zenodo answers with the old deposition plus links.latest_draft (eOSSR reads its "files").
                latest = self.store.new_version(parts[3])["links"]["latest_draft"]
                self._json(201, {**old, "links": {**old["links"], "latest_draft": latest}})
                return
            if parts[:3] == ["api", "deposit", "depositions"] and parts[4:] == ["actions", "publish"]:
                deposition = self.store.depositions[parts[3]]
                if deposition["state"] == "done":
                    self._json(400, {"status": 400, "message": "The deposition is already published."})
                    return
                if errors := validation_errors(deposition["metadata"]):
                    self._json(400, {"status": 400, "message": "Validation error.", "errors": errors})
                    return
                self._json(202, self.store.publish(parts[3]))
                return
            if parts == ["api", "deposit", "depositions"]:
                self._read_body()
                self._json(201, self.store.create())
                return
            super().do_POST()

    def _request_inclusion(self, record_id: str) -> None:
        record = self.store.records.get(record_id)
        if record is None:
            self._json(404, {"status": 404, "message": "The persistent identifier does not exist."})
            return
        try:
            wanted = [c["id"] for c in json.loads(self._read_body() or b"{}")["communities"]]
        except (ValueError, KeyError, TypeError):
            self._json(400, {"status": 400, "message": 'Give {"communities": [{"id": "<slug>"}]}.'})
            return
        known = {c["slug"] for c in COMMUNITIES}
        processed, errors = [], []
        for slug in wanted:
            if slug not in known:
                errors.append({"community": slug, "message": "Community not found."})
                continue
            if slug not in in_communities(record):
                record["metadata"].setdefault("communities", []).append({"id": slug})
            processed.append(
                {"community_id": slug, "request_id": secrets.token_hex(8), "request": {"status": "accepted"}}
            )
        self._json(200, {"processed": processed, "errors": errors})

    def do_PUT(self) -> None:
        if not self._prepare():
            return
        parts = urlparse(self.path).path.strip("/").split("/")
        with self.lock:
            if parts[:2] == ["api", "files"]:
                self._upload(parts[2], unquote(parts[3]))
                return
            if len(parts) == 4 and self.store.depositions[parts[3]]["state"] == "done":
                self._json(403, {"status": 403, "message": "A published deposition cannot be edited."})
                return
            body = self._read_body()
            try:
                metadata = json.loads(body or b"{}").get("metadata", {})
            except (ValueError, AttributeError):
                self._json(400, {"status": 400, "message": "The request body is not valid JSON."})
                return
            self.send_dict(self.store.set_metadata(parts[3], metadata))

    def _upload(self, dep_id: str, filename: str) -> None:
        if self.store.depositions[dep_id]["state"] == "done":
            self._json(403, {"status": 403, "message": "The bucket of a published deposition is locked."})
            return
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._json(411, {"status": 411, "message": "Content-Length is required."})
            return
        entry = self.store.add_file_stream(dep_id, filename, self.rfile, int(length))
        if entry is None:
            self.close_connection = True  # the client went away mid-body
            return
        self._json(
            201,
            {
                "key": filename,
                "size": entry["size"],
                "checksum": f"md5:{entry['checksum']}",
                "mimetype": "application/octet-stream",
                "links": entry["links"],
            },
        )

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
    parser.add_argument("--hostile", action="store_true", help="test switch: serve the hostile records")
    args = parser.parse_args()
    if not args.token:
        parser.error("an access token is required (--token or VRE_ZENODO_TOKEN)")
    server = ThreadingHTTPServer((args.host, args.port), Handler)
    args.storage_dir.mkdir(parents=True, exist_ok=True)
    Handler.store = ShimStore(f"http://{args.host}:{server.server_address[1]}", args.storage_dir)
    Handler.token = args.token
    Handler.hostile = args.hostile
    print(f"{NOTE}: http://{args.host}:{server.server_address[1]}/api", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
