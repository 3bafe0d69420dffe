"""`/vre/api/rucio/...`: parse, call one `RucioService` method, write JSON."""

from __future__ import annotations

from typing import Any

from tornado import web

from vre_common.handlers import VREHandler

from .service import RucioService

INSTANCE = r"(?P<instance>[A-Za-z0-9_.\-]{1,64})"


class RucioHandler(VREHandler):
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


def rucio_routes(prefix: str, service: RucioService) -> list[tuple[str, type, dict[str, Any]]]:
    kwargs = {"service": service}
    return [
        (f"{prefix}/instances", InstancesHandler, kwargs),
        (f"{prefix}/{INSTANCE}/account", AccountHandler, kwargs),
        (f"{prefix}/{INSTANCE}/scopes", ScopesHandler, kwargs),
        (f"{prefix}/{INSTANCE}/rses", RSEsHandler, kwargs),
    ]
