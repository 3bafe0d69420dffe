"""`/vre/api/zenodo/...`: parse, call one method of a `ZenodoService` part, write JSON."""

from __future__ import annotations

from typing import Any

from tornado import web

from vre_common.handlers import VREHandler

from .metadata import UPLOAD_TYPES
from .models import (
    ACCESS_RIGHTS,
    CommunityInput,
    CreateInput,
    Discarded,
    FetchInput,
    MetadataInput,
    NewVersionInput,
    RecordFilters,
    UploadInput,
)
from .service import ZenodoService

ID = r"(?P<item>[0-9]{1,12})"
DEFAULT_PAGE = 20


class ZenodoHandler(VREHandler):
    auth_resource = "vre_zenodo"

    def initialize(self, service: ZenodoService) -> None:
        self.service = service


class VerifyHandler(ZenodoHandler):
    """`POST verify`: check the stored token against Zenodo (the panel calls it after saving one)."""

    @web.authenticated
    async def post(self) -> None:
        self.write_json(await self.service.depositions.verify())


class DepositionsHandler(ZenodoHandler):
    """`GET depositions?page=&size=`; `POST depositions` {metadata | codemeta_path}."""

    @web.authenticated
    async def get(self) -> None:
        page = self.int_argument("page", 1)
        size = self.int_argument("size", DEFAULT_PAGE)
        self.write_json(await self.service.depositions.list_depositions(page, size))

    @web.authenticated
    async def post(self) -> None:
        body = self.parse_body(CreateInput)
        self.write_json(await self.service.depositions.create(body), status=201)


class DepositionHandler(ZenodoHandler):
    """`GET depositions/<id>` with files and metadata; `DELETE`: discard a draft."""

    @web.authenticated
    async def get(self, item: str) -> None:
        self.write_json(await self.service.depositions.get_deposition(int(item)))

    @web.authenticated
    async def delete(self, item: str) -> None:
        await self.service.depositions.discard(int(item))
        self.write_json(Discarded(deleted=int(item)))


class MetadataHandler(ZenodoHandler):
    """`PUT depositions/<id>/metadata` {metadata}."""

    @web.authenticated
    async def put(self, item: str) -> None:
        body = self.parse_body(MetadataInput)
        self.write_json(await self.service.depositions.update_metadata(int(item), body.metadata))


class EditPublishedHandler(ZenodoHandler):
    """`POST depositions/<id>/edit` {metadata}: new metadata for a published record, same DOI."""

    @web.authenticated
    async def post(self, item: str) -> None:
        body = self.parse_body(MetadataInput)
        self.write_json(await self.service.depositions.edit_published(int(item), body.metadata))


class UploadHandler(ZenodoHandler):
    """`POST depositions/<id>/upload` {paths}: a background task (202)."""

    @web.authenticated
    async def post(self, item: str) -> None:
        body = self.parse_body(UploadInput)
        self.write_json(await self.service.transfers.upload(int(item), body.paths), status=202)


class PublishHandler(ZenodoHandler):
    """`POST depositions/<id>/publish`: the DOI and the record's URL."""

    @web.authenticated
    async def post(self, item: str) -> None:
        self.write_json(await self.service.depositions.publish(int(item)))


class NewVersionHandler(ZenodoHandler):
    """`POST depositions/<id>/newversion` {keep_files}: the new draft."""

    @web.authenticated
    async def post(self, item: str) -> None:
        body = self.parse_body(NewVersionInput)
        self.write_json(await self.service.depositions.new_version(int(item), body.keep_files), status=201)


class CommunityRequestHandler(ZenodoHandler):
    """`POST depositions/<id>/communities` {community}: ask for inclusion."""

    @web.authenticated
    async def post(self, item: str) -> None:
        body = self.parse_body(CommunityInput)
        self.write_json(await self.service.depositions.request_community(int(item), body.community))


class CodemetaHandler(ZenodoHandler):
    """`GET codemeta?path=folder/codemeta.json`: the form's metadata, converted by eOSSR."""

    @web.authenticated
    async def get(self) -> None:
        self.write_json(await self.service.depositions.codemeta(self.get_argument("path", "")))


class CommunitiesHandler(ZenodoHandler):
    """`GET communities?q=&page=&size=`"""

    @web.authenticated
    async def get(self) -> None:
        self.write_json(
            await self.service.records.communities(
                self.get_argument("q", ""),
                self.int_argument("page", 1),
                self.int_argument("size", DEFAULT_PAGE),
            )
        )


class RecordsHandler(ZenodoHandler):
    """`GET records?q=&community=&resource_type=&access_right=&page=&size=`: published records."""

    @web.authenticated
    async def get(self) -> None:
        filters = RecordFilters.model_validate(
            {
                "community": self.get_argument("community", "") or None,
                "resource_type": self.choice_argument("resource_type", ("", *UPLOAD_TYPES), "") or None,
                "access_right": self.choice_argument("access_right", ("", *ACCESS_RIGHTS), "") or None,
            }
        )
        page = await self.service.records.search_records(
            self.get_argument("q", ""),
            filters,
            self.int_argument("page", 1),
            self.int_argument("size", DEFAULT_PAGE),
        )
        self.write_json(page)


class RecordHandler(ZenodoHandler):
    """`GET records/<id>`: metadata, versions and files."""

    @web.authenticated
    async def get(self, item: str) -> None:
        self.write_json(await self.service.records.record(int(item)))


class FetchHandler(ZenodoHandler):
    """`POST records/<id>/fetch` {folder, overwrite}: a background task (202)."""

    @web.authenticated
    async def post(self, item: str) -> None:
        body = self.parse_body(FetchInput)
        self.write_json(
            await self.service.transfers.fetch(int(item), body.folder, body.overwrite, body.files), status=202
        )


def zenodo_routes(prefix: str, service: ZenodoService) -> list[tuple[str, type, dict[str, Any]]]:
    kwargs = {"service": service}
    return [
        (f"{prefix}/verify", VerifyHandler, kwargs),
        (f"{prefix}/codemeta", CodemetaHandler, kwargs),
        (f"{prefix}/communities", CommunitiesHandler, kwargs),
        (f"{prefix}/depositions", DepositionsHandler, kwargs),
        (f"{prefix}/depositions/{ID}", DepositionHandler, kwargs),
        (f"{prefix}/depositions/{ID}/metadata", MetadataHandler, kwargs),
        (f"{prefix}/depositions/{ID}/edit", EditPublishedHandler, kwargs),
        (f"{prefix}/depositions/{ID}/upload", UploadHandler, kwargs),
        (f"{prefix}/depositions/{ID}/publish", PublishHandler, kwargs),
        (f"{prefix}/depositions/{ID}/newversion", NewVersionHandler, kwargs),
        (f"{prefix}/depositions/{ID}/communities", CommunityRequestHandler, kwargs),
        (f"{prefix}/records", RecordsHandler, kwargs),
        (f"{prefix}/records/{ID}", RecordHandler, kwargs),
        (f"{prefix}/records/{ID}/fetch", FetchHandler, kwargs),
    ]
