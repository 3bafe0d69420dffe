"""What the Rucio endpoints do, with no Tornado in it."""

from __future__ import annotations

from rucio.client import Client

from vre_common.context import VREContext
from vre_common.errors import BadRequest, NotFound

from .config import RucioInstance
from .models import Account, InstanceInfo, InstanceList, RSEInfo, RSEList, ScopeList
from .session import RucioSession

MAX_RSE_EXPRESSION = 500


class RucioService:
    def __init__(
        self, instances: dict[str, RucioInstance], default: str | None, vre: VREContext, timeout: float
    ) -> None:
        self.default = default
        self._sessions = {name: RucioSession(inst, vre, timeout) for name, inst in instances.items()}

    def session(self, instance: str) -> RucioSession:
        try:
            return self._sessions[instance]
        except KeyError:
            raise NotFound(
                f"No Rucio instance {instance!r} is configured.", code="unknown_instance"
            ) from None

    def instances(self) -> InstanceList:
        return InstanceList(
            instances=[
                InstanceInfo(
                    name=i.name,
                    display_name=i.label,
                    mode=i.mode,
                    auth=i.auth_type or "oidc",
                    site_name=i.site_name,
                    webui_url=i.webui_url,
                    destination_rse=i.destination_rse or None,
                )
                for i in (s.instance for s in self._sessions.values())
            ],
            default_instance=self.default,
        )

    async def account(self, instance: str) -> Account:
        who = await self.session(instance).call(lambda c: c.whoami())
        return Account(
            account=who["account"],
            account_type=str(who.get("account_type", "USER")),
            email=who.get("email"),
            status=str(who.get("status", "ACTIVE")),
        )

    async def scopes(self, instance: str) -> ScopeList:
        scopes = await self.session(instance).call(lambda c: sorted(c.list_scopes()))
        return ScopeList(scopes=scopes)

    async def rses(self, instance: str, expression: str | None) -> RSEList:
        if expression is not None and not (0 < len(expression) <= MAX_RSE_EXPRESSION):
            raise BadRequest("Give an RSE expression of 1 to 500 characters.", code="invalid_rse_expression")

        def list_rses(client: Client) -> list[dict]:
            return list(client.list_rses(expression) if expression else client.list_rses())

        rses = await self.session(instance).call(list_rses)
        return RSEList(
            rses=sorted(
                (
                    RSEInfo(
                        rse=r["rse"],
                        rse_type=str(r.get("rse_type", "DISK")),
                        deterministic=bool(r.get("deterministic", True)),
                    )
                    for r in rses
                ),
                key=lambda r: r.rse,
            )
        )
