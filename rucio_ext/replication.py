"""Bring DIDs onto the RSE mounted into the JupyterLab pod, and say which files are there.

Making available = one replication rule per DID to the mounted RSE (an
existing rule of the user's is reused), followed as a background task whose
progress is the rules' lock counts, then every file checked on the mount:
present, right size, right adler32. Only then is it called available.
"""

from __future__ import annotations

import asyncio
import os
import zlib
from typing import Any

from rucio.client import Client
from rucio.common.exception import DuplicateRule

from vre_common.errors import BackendError, BadRequest
from vre_common.tasks import Task, TaskRegistry

from .models import Availability, AvailabilityList
from .session import RucioSession, attachment_value, did_dict, list_replicas

CHUNK = 4 << 20
MOUNT = "mounted storage"


def adler32_of(path: str) -> str:
    value = 1
    with open(path, "rb") as handle:
        while chunk := handle.read(CHUNK):
            value = zlib.adler32(chunk, value)
    return f"{value & 0xFFFFFFFF:08x}"


class Replication:
    def __init__(self, session: RucioSession, tasks: TaskRegistry, poll_seconds: float = 2.0) -> None:
        self.session = session
        self.tasks = tasks
        self.poll_seconds = poll_seconds
        self.instance = session.instance

    def _require_replica_mode(self) -> str:
        if self.instance.mode != "replica":
            raise BadRequest(
                f"{self.instance.label} downloads data instead of replicating it to a mounted RSE.",
                code="not_replica_mode",
            )
        return self.instance.destination_rse

    def start(self, dids: list[tuple[str, str]]) -> Task:
        self._require_replica_mode()
        first = f"{dids[0][0]}:{dids[0][1]}"
        title = f"Make {first} available" + (f" (and {len(dids) - 1} more)" if len(dids) > 1 else "")
        resume = {"instance": self.instance.name, "dids": [f"{s}:{n}" for s, n in dids]}
        return self.tasks.start(
            "rucio.make_available", title, lambda task: self._run(task, dids), unit="files", resume=resume
        )

    async def _run(self, task: Task, dids: list[tuple[str, str]]) -> dict[str, Any]:
        rse = self.instance.destination_rse
        lifetime = (self.instance.replication_rule_lifetime_days or 0) * 86400 or None
        rule_ids = await self.session.call(lambda c: [self._rule(c, did, rse, lifetime) for did in dids])
        task.checkpoint(rules=rule_ids)
        try:
            return await self._follow(task, dids, rule_ids)
        except asyncio.CancelledError:
            # The rules are the user's in Rucio: cancel stops watching them, it does not delete them.
            task.result = {
                "rse": rse,
                "rules": rule_ids,
                "rule_kept": True,
                "message": f"Rucio keeps copying to {rse}: the rule stays until it expires or you delete it.",
            }
            raise

    async def _follow(self, task: Task, dids: list[tuple[str, str]], rule_ids: list[str]) -> dict[str, Any]:
        rse = self.instance.destination_rse
        while True:
            rules = await self.session.call(lambda c: [c.get_replication_rule(r) for r in rule_ids])
            ok = sum(r["locks_ok_cnt"] for r in rules)
            stuck = sum(r["locks_stuck_cnt"] for r in rules)
            task.report(ok, ok + stuck + sum(r["locks_replicating_cnt"] for r in rules))
            if any(r["state"] == "STUCK" for r in rules):
                raise BackendError(
                    "Rucio",
                    f"{stuck} file(s) could not be copied to {rse} yet; Rucio keeps retrying, try again later.",
                    code="rule_stuck",
                )
            if all(r["state"] == "OK" for r in rules):
                break
            await asyncio.sleep(self.poll_seconds)
        paths = await self.session.call(lambda c: self._verify(c, dids, rse, task))
        return {"rse": rse, "rules": rule_ids, "files": len(paths), "paths": paths[:100]}

    def _rule(self, client: Client, did: tuple[str, str], rse: str, lifetime: int | None) -> str:
        try:
            return client.add_replication_rule([did_dict(did)], 1, rse, lifetime=lifetime)[0]
        except DuplicateRule:
            for rule in client.list_did_rules(*did):
                if rule["rse_expression"] == rse and rule["account"] == client.account:
                    return rule["id"]
            raise

    def _verify(self, client: Client, dids: list[tuple[str, str]], rse: str, task: Task) -> list[str]:
        """Every file of `dids` is on the mount with Rucio's size and adler32 (blocking: runs in a thread)."""
        paths = []
        for replica in list_replicas(client, dids, rse_expression=rse):
            if task.cancelled:
                break
            did = f"{replica['scope']}:{replica['name']}"
            pfns = replica.get("rses", {}).get(rse) or []
            if not pfns:
                raise BackendError("Rucio", f"{did} has no replica on {rse} although its rule is OK.")
            path = self.instance.local_path(pfns[0])
            if not os.path.isfile(path) or os.path.getsize(path) != replica["bytes"]:
                raise BackendError(
                    MOUNT, f"{did} is not complete at {path}; ask your admin to check the mount."
                )
            if replica.get("adler32") and adler32_of(path) != replica["adler32"]:
                raise BackendError(MOUNT, f"{did} at {path} does not match its adler32 checksum.")
            paths.append(path)
        return paths

    async def availability(self, dids: list[tuple[str, str]]) -> AvailabilityList:
        """State of each file on the mounted RSE, asked in one call for the whole page."""
        rse = self._require_replica_mode()

        def ask(client: Client) -> list[Availability]:
            found: dict[str, Availability] = {}
            replicas = list_replicas(client, dids, rse_expression=rse, all_states=True)
            for replica in replicas:
                did = f"{replica['scope']}:{replica['name']}"
                state = replica.get("states", {}).get(rse)
                pfns = replica.get("rses", {}).get(rse) or []
                if state == "AVAILABLE" and pfns:
                    found[did] = Availability(
                        did=did, state="available", path=self.instance.local_path(pfns[0])
                    )
                elif state == "COPYING":
                    found[did] = Availability(did=did, state="replicating")
            return [
                found.get(f"{s}:{n}") or Availability(did=f"{s}:{n}", state="not_available") for s, n in dids
            ]

        return AvailabilityList(rse=rse, files=await self.session.call(ask))

    async def local_paths(self, did: tuple[str, str]) -> str | list[str]:
        """The path of a file, or the sorted paths of a collection's files, on the mount.

        A clear 409 says how many files are missing when not all are there yet.
        """
        rse = self._require_replica_mode()

        def resolve(client: Client) -> str | list[str]:
            kind = str(client.get_did(*did)["type"]).upper()
            paths, missing = [], 0
            for replica in list_replicas(client, [did], rse_expression=rse, all_states=True):
                pfns = replica.get("rses", {}).get(rse) or []
                if replica.get("states", {}).get(rse) == "AVAILABLE" and pfns:
                    paths.append(self.instance.local_path(pfns[0]))
                else:
                    missing += 1
            return attachment_value(did, kind, paths, missing, f"make it available on {rse} first")

        return await self.session.call(resolve)
