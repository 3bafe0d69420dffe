"""`/vre/api/rucio/...`: parse, call one `RucioService` method, write JSON."""

from __future__ import annotations

from typing import Any

from tornado import web

from vre_common.handlers import VREHandler

from .models import DIDList, ResolveInput, UploadInput
from .service import RucioService

INSTANCE = r"(?P<instance>[A-Za-z0-9_.\-]{1,64})"
DID_TYPES = ("all", "container", "dataset", "file", "collection")
DEFAULT_PAGE = 100


class RucioHandler(VREHandler):
    auth_resource = "vre_rucio"

    def initialize(self, service: RucioService) -> None:
        self.service = service


class InstancesHandler(RucioHandler):
    @web.authenticated
    def get(self) -> None:
        self.write_json(self.service.instances())


class AccountHandler(RucioHandler):
    @web.authenticated
    async def get(self, instance: str) -> None:
        self.write_json(await self.service.account(instance))


class ScopesHandler(RucioHandler):
    @web.authenticated
    async def get(self, instance: str) -> None:
        self.write_json(await self.service.scopes(instance))


class RSEsHandler(RucioHandler):
    @web.authenticated
    async def get(self, instance: str) -> None:
        self.write_json(await self.service.rses(instance, self.get_argument("expression", None)))


class SearchHandler(RucioHandler):
    """`GET <instance>/dids/search?query=scope:name*&type=&limit=&cursor=`"""

    @web.authenticated
    async def get(self, instance: str) -> None:
        page = await self.service.search(
            instance,
            query=self.get_argument("query", ""),
            did_type=self.choice_argument("type", DID_TYPES, "all"),  # type: ignore[arg-type]
            limit=self.int_argument("limit", DEFAULT_PAGE),
            cursor=self.get_argument("cursor", None),
        )
        self.write_json(page)


class ContentHandler(RucioHandler):
    """`GET <instance>/dids/content?did=scope:name&limit=&cursor=&availability=1`: a container's or dataset's
    content; with `availability=1`, each file's state on the mounted RSE too."""

    @web.authenticated
    async def get(self, instance: str) -> None:
        page = await self.service.content(
            instance,
            did=self.get_argument("did", ""),
            limit=self.int_argument("limit", DEFAULT_PAGE),
            cursor=self.get_argument("cursor", None),
            availability=self.choice_argument("availability", ("0", "1"), "0") == "1",
        )
        self.write_json(page)


class RulesHandler(RucioHandler):
    """`GET <instance>/dids/rules?did=scope:name`"""

    @web.authenticated
    async def get(self, instance: str) -> None:
        self.write_json(await self.service.rules(instance, self.get_argument("did", "")))


class DetailsHandler(RucioHandler):
    """`GET <instance>/dids/details?did=scope:name`: type, size, file count, metadata."""

    @web.authenticated
    async def get(self, instance: str) -> None:
        self.write_json(await self.service.details(instance, self.get_argument("did", "")))


class MakeAvailableHandler(RucioHandler):
    """`POST <instance>/make-available` {"dids": [...]}: a background task (202)."""

    @web.authenticated
    def post(self, instance: str) -> None:
        body = self.parse_body(DIDList)
        self.write_json(self.service.make_available(instance, body.dids), status=202)


class VerifyHandler(RucioHandler):
    """`POST <instance>/verify` {"dids": [...]}: a background task (202) reading every byte, comparing adler32."""

    @web.authenticated
    def post(self, instance: str) -> None:
        body = self.parse_body(DIDList)
        self.write_json(self.service.verify(instance, body.dids), status=202)


class DownloadHandler(RucioHandler):
    """`POST <instance>/download` {"dids": [...]}: a background task (202), download mode only."""

    @web.authenticated
    def post(self, instance: str) -> None:
        body = self.parse_body(DIDList)
        self.write_json(self.service.download(instance, body.dids), status=202)


class UploadHandler(RucioHandler):
    """`POST <instance>/upload` {path, rse, scope, dataset?, lifetime_days?}: a background task (202)."""

    @web.authenticated
    async def post(self, instance: str) -> None:
        body = self.parse_body(UploadInput)
        self.write_json(await self.service.upload(instance, body), status=202)


class AvailabilityHandler(RucioHandler):
    """`GET <instance>/availability?did=scope:name&did=...`: each file's state on the mounted RSE."""

    @web.authenticated
    async def get(self, instance: str) -> None:
        self.write_json(await self.service.availability(instance, self.get_arguments("did")))


class ResolveHandler(RucioHandler):
    """`POST resolve` {"attachments": [{instance, did, variable}]}: paths for kernel injection."""

    @web.authenticated
    async def post(self) -> None:
        body = self.parse_body(ResolveInput)
        self.write_json(await self.service.resolve(body.attachments))


def rucio_routes(prefix: str, service: RucioService) -> list[tuple[str, type, dict[str, Any]]]:
    kwargs = {"service": service}
    return [
        (f"{prefix}/instances", InstancesHandler, kwargs),
        (f"{prefix}/resolve", ResolveHandler, kwargs),
        (f"{prefix}/{INSTANCE}/account", AccountHandler, kwargs),
        (f"{prefix}/{INSTANCE}/scopes", ScopesHandler, kwargs),
        (f"{prefix}/{INSTANCE}/rses", RSEsHandler, kwargs),
        (f"{prefix}/{INSTANCE}/dids/search", SearchHandler, kwargs),
        (f"{prefix}/{INSTANCE}/dids/content", ContentHandler, kwargs),
        (f"{prefix}/{INSTANCE}/dids/rules", RulesHandler, kwargs),
        (f"{prefix}/{INSTANCE}/dids/details", DetailsHandler, kwargs),
        (f"{prefix}/{INSTANCE}/make-available", MakeAvailableHandler, kwargs),
        (f"{prefix}/{INSTANCE}/availability", AvailabilityHandler, kwargs),
        (f"{prefix}/{INSTANCE}/verify", VerifyHandler, kwargs),
        (f"{prefix}/{INSTANCE}/download", DownloadHandler, kwargs),
        (f"{prefix}/{INSTANCE}/upload", UploadHandler, kwargs),
    ]
