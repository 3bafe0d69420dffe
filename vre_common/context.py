"""The shared state of one Jupyter server: token manager, credentials, executor, tasks.

Created by whichever of the three extensions loads first and kept in the
Tornado application settings; the others find it there.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from traitlets.config import Config

from .config import IAMTokens, VRECommon
from .credentials import CredentialStore, Secret
from .errors import BadRequest, NotAuthenticated, NotFound
from .executor import BlockingExecutor
from .journal import Journal
from .models import AuthStatus, ServiceConnection, ServiceName, TokenState
from .tasks import TaskRegistry
from .tokens import TokenManager

SETTINGS_KEY = "vre_context"
SERVICE_ORDER = ("rucio", "reana", "zenodo")  # as the panels are ordered in the sidebar

AuthKind = Literal["iam", "token", "userpass", "x509"]
FIELDS: dict[AuthKind, list[str]] = {
    "iam": [],
    "token": ["token"],
    "userpass": ["username", "password"],
    "x509": ["proxy_path"],
}


@dataclass(frozen=True)
class ServiceAuth:
    """How one instance of one service authenticates."""

    service: ServiceName
    instance: str
    display_name: str
    auth: AuthKind


class VREContext:
    def __init__(self, config: Config) -> None:
        common = VRECommon(config=config)
        self.tokens = TokenManager(IAMTokens(config=config).settings())
        self.credentials = CredentialStore(common.credentials_path, common.admin_credentials)
        self.executor = BlockingExecutor(common.blocking_workers)
        # Reads the previous server's journal: its running tasks are listed as interrupted.
        self.tasks = TaskRegistry(
            keep_finished_seconds=common.task_keep_seconds, journal=Journal(common.task_journal_path)
        )
        self._services: dict[tuple[str, str], ServiceAuth] = {}

    @classmethod
    def for_app(cls, settings: dict[str, Any], config: Config) -> tuple[VREContext, bool]:
        """The server's context, and whether this call created it."""
        if SETTINGS_KEY in settings:
            return settings[SETTINGS_KEY], False
        settings[SETTINGS_KEY] = context = cls(config)
        return context, True

    def register(self, spec: ServiceAuth) -> None:
        self._services[(spec.service, spec.instance)] = spec

    def service(self, service: str, instance: str) -> ServiceAuth:
        try:
            return self._services[(service, instance)]
        except KeyError:
            raise NotFound(
                f"No {service} instance {instance!r} is configured on this server.", code="unknown_instance"
            ) from None

    def credential(self, service: str, instance: str) -> dict[str, Secret]:
        """The stored credential for a service instance, for the extension's own backend calls."""
        spec = self.service(service, instance)
        found = self.credentials.get(service, instance)
        if found is None:
            raise NotAuthenticated(
                f"{spec.display_name} is not connected: enter your credentials in its panel.",
                code="no_credentials",
            )
        return found[0]

    # --- what the UI sees -------------------------------------------------------------
    def connection(self, spec: ServiceAuth, token: TokenState) -> ServiceConnection:
        fields = FIELDS[spec.auth]
        base = {**asdict(spec), "fields": fields}
        if spec.auth == "iam":
            if token.configured and token.error is None:
                return ServiceConnection(**base, connected=True, source="iam", message="Uses your IAM login.")
            reason = token.error.message if token.error else "No IAM token is configured on this server."
            return ServiceConnection(**base, connected=False, message=reason)
        found = self.credentials.get(spec.service, spec.instance)
        if found is None:
            wanted = " and ".join(f.replace("_", " ") for f in fields)
            return ServiceConnection(
                **base, connected=False, message=f"Enter your {wanted} to connect to {spec.display_name}."
            )
        who = "you" if found[1] == "user" else "your hub admin"
        return ServiceConnection(
            **base, connected=True, source=found[1], message=f"Credentials provided by {who}."
        )

    async def auth_status(self) -> AuthStatus:
        identity, token = await self.tokens.state()
        ordered = sorted(self._services.values(), key=lambda s: (SERVICE_ORDER.index(s.service), s.instance))
        services = [self.connection(spec, token) for spec in ordered]
        return AuthStatus(identity=identity, token=token, services=services)

    async def set_credential(self, service: str, instance: str, fields: dict[str, str]) -> ServiceConnection:
        spec = self.service(service, instance)
        expected = set(FIELDS[spec.auth])
        if not expected:
            raise BadRequest(
                f"{spec.display_name} uses your IAM login; there is nothing to enter.", code="uses_iam"
            )
        if unknown := set(fields) - expected:
            raise BadRequest(
                f"Unknown field(s) {', '.join(sorted(unknown))}; {spec.display_name} takes {', '.join(sorted(expected))}.",
                code="unknown_field",
            )
        if missing := [f for f in sorted(expected) if not fields.get(f, "").strip()]:
            raise BadRequest(f"Missing {', '.join(missing)}.", code="missing_field")
        await self.executor.run("credential store", 10, self.credentials.set, service, instance, fields)
        return self.connection(spec, (await self.tokens.state())[1])

    async def clear_credential(self, service: str, instance: str) -> ServiceConnection:
        spec = self.service(service, instance)
        await self.executor.run("credential store", 10, self.credentials.delete, service, instance)
        return self.connection(spec, (await self.tokens.state())[1])

    async def close(self) -> None:
        await self.tasks.stop()
        await self.tokens.close()
        self.executor.shutdown()
