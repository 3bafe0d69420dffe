"""`/vre/api/lifecycle/...`: parse, call one `LifecycleService` method, write JSON."""

from __future__ import annotations

from typing import Any

from tornado import web

from vre_common.handlers import VREHandler

from .models import CrateInput, SpecInput
from .service import LifecycleService


class LifecycleHandler(VREHandler):
    auth_resource = "vre_lifecycle"

    def initialize(self, service: LifecycleService) -> None:
        self.service = service


class SpecHandler(LifecycleHandler):
    """`POST spec` {"folder", "mode", "inputs"}: the amended reana.yaml, written next to the original."""

    @web.authenticated
    async def post(self) -> None:
        self.write_json(await self.service.spec(self.parse_body(SpecInput)))


class CrateHandler(LifecycleHandler):
    """`POST crate` {"folder", "inputs", "run", ...}: write ro-crate-metadata.json into the folder."""

    @web.authenticated
    async def post(self) -> None:
        self.write_json(await self.service.crate(self.parse_body(CrateInput)), status=201)


class ProvenanceHandler(LifecycleHandler):
    """`POST provenance` {same as crate}: Zenodo related identifiers and notes for the deposition."""

    @web.authenticated
    async def post(self) -> None:
        self.write_json(self.service.provenance(self.parse_body(CrateInput)))


def lifecycle_routes(prefix: str, service: LifecycleService) -> list[tuple[str, type, dict[str, Any]]]:
    kwargs = {"service": service}
    return [
        (f"{prefix}/spec", SpecHandler, kwargs),
        (f"{prefix}/crate", CrateHandler, kwargs),
        (f"{prefix}/provenance", ProvenanceHandler, kwargs),
    ]
