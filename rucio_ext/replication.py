"""Bring DIDs onto the RSE mounted into the JupyterLab pod, and say which files are there.

Making available = one replication rule per DID to the mounted RSE (an
existing rule of the user's is reused), followed as a background task whose
progress is the rules' lock counts, then every file checked on the mount:
present with Rucio's size. Only then is it called available. Reading the
bytes to compare checksums is a separate task (`verify.py`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from rucio.client import Client
from rucio.common.exception import DuplicateRule
from rucio.rse import rsemanager

from vre_common.errors import BackendError, BadRequest, Conflict
from vre_common.tasks import Task, TaskRegistry

from .collection import SAMPLE, Locate, RucioFile, Tally, check_there, walk
from .models import Availability, AvailabilityList, DIDItem
from .session import RucioSession, did_dict, list_replicas

MOUNT = "mounted storage"
LOCKED = ("REPLICATING", "STUCK", "SUSPENDED")  # rule states whose locks are made (INJECT's are not yet)


def lock_count(rule: dict[str, Any]) -> int:
    return rule["locks_ok_cnt"] + rule["locks_replicating_cnt"] + rule["locks_stuck_cnt"]


@dataclass(frozen=True)
class DatasetState:
    """A collection's files on the mounted RSE as its rules tell: "all" there, "none" there, or "per_file"."""

    answer: Literal["all", "none", "per_file"]
    rse: dict[str, Any] | None = None  # with "all": the RSE's description, to name each file's path
    state: Literal["replicating", "not_available"] = "not_available"  # with "none": each file's state


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
        # The rules are OK: each file must now be on the mount with Rucio's size (no bytes read:
        # that is "Verify checksums"). One walk per DID, chunked, the progress counting again.
        task.report(0, sum(r["locks_ok_cnt"] for r in rules))
        files, sample = 0, []
        for did in dids:
            tally = await self.check(did, task, offset=files)
            if problem := tally.problem(did, "its rule is OK but the mount does not show it: ask your admin"):
                raise BackendError(MOUNT, problem.message, code="mount_incomplete")
            files += tally.files
            sample.extend(tally.sample[: SAMPLE - len(sample)])
        return {"rse": rse, "rules": rule_ids, "files": files, "paths": sample}

    def _rule(self, client: Client, did: tuple[str, str], rse: str, lifetime: int | None) -> str:
        try:
            return client.add_replication_rule([did_dict(did)], 1, rse, lifetime=lifetime)[0]
        except DuplicateRule:
            for rule in client.list_did_rules(*did):
                if rule["rse_expression"] == rse and rule["account"] == client.account:
                    return rule["id"]
            raise

    @property
    def how(self) -> str:
        """What to do about a missing file."""
        return f"make it available on {self.instance.destination_rse} first"

    async def check(
        self, did: tuple[str, str], task: Task, offset: int = 0, out: Path | None = None
    ) -> Tally:
        """Walk the files of `did` on the mount (see `collection.walk`); a 409 at once while its rule runs."""
        return await walk(self.session, did, await self.locator(did), task, out, offset)

    async def locator(self, did: tuple[str, str]) -> Locate:
        rse = self._require_replica_mode()
        return await self.session.call(lambda client: self._locator(client, did, rse))

    def _locator(self, client: Client, did: tuple[str, str], rse: str) -> Locate:
        """How to find where the files of `did` are on the mount (blocking).

        When a rule puts `did` on the RSE and is OK, Rucio has every file there:
        each path follows from the RSE's naming rule, with no replica look-up.
        Otherwise each chunk's replicas on the RSE are asked for.
        """
        rules = [r for r in client.list_did_rules(*did) if r["rse_expression"] == rse]
        if any(r["state"] == "OK" for r in rules):
            info = client.get_rse(rse)
            if info.get("deterministic"):
                return lambda _client, files: self._named_paths(info, files)
            return lambda client, files: self._replica_paths(client, files, rse)
        # Being copied: a lock not OK is a file not there, so the locks say how far with no walk.
        # (A rule still in INJECT has no locks yet and says nothing: its files are walked.)
        if copying := [r for r in rules if r["state"] in LOCKED and r["locks_ok_cnt"] < lock_count(r)]:
            rule = max(copying, key=lambda r: r["locks_ok_cnt"])
            raise Conflict(
                f"{did[0]}:{did[1]} is not available yet: {lock_count(rule) - rule['locks_ok_cnt']} of "
                f"{lock_count(rule)} files are still being copied to {rse} (rule {str(rule['state']).lower()}).",
                code="not_available",
            )
        return lambda client, files: self._replica_paths(client, files, rse)

    async def dataset_state(self, did: tuple[str, str]) -> DatasetState:
        """What a rule putting all of `did` on the mounted RSE says of its files, without asking per file.

        A rule on `did` covers every file of it, and once its locks are made (state
        REPLICATING, STUCK or SUSPENDED; not yet while INJECT) each lock is OK
        exactly when its file is on the RSE (a file already there gets an OK lock
        at once). So an OK rule means all there (each path follows from the RSE's
        naming rule), and a rule with locks but none OK means none there yet.
        Otherwise (no such rule, some locks OK, locks not made) only the files
        themselves can say.
        """
        rse = self._require_replica_mode()

        def ask(client: Client) -> DatasetState:
            rules = [r for r in client.list_did_rules(*did) if r["rse_expression"] == rse]
            if any(r["state"] == "OK" for r in rules):
                info = client.get_rse(rse)
                return DatasetState("all", info) if info.get("deterministic") else DatasetState("per_file")
            for rule in rules:
                if rule["state"] in LOCKED and rule["locks_ok_cnt"] == 0:
                    copying = rule["state"] == "REPLICATING"
                    return DatasetState("none", state="replicating" if copying else "not_available")
            return DatasetState("per_file")

        return await self.session.call(ask)

    async def page_availability(self, items: list[DIDItem], dataset: DatasetState) -> list[Availability]:
        """The state of each file of a listed page: from the dataset's rule when it says, else per file."""
        files = [RucioFile(i.scope, i.name, i.bytes, i.adler32) for i in items if i.did_type == "FILE"]
        if not files:
            return []
        if dataset.answer == "none":
            return [Availability(did=f.did, state=dataset.state) for f in files]
        if dataset.answer == "per_file" or dataset.rse is None:
            return (await self.availability([(f.scope, f.name) for f in files])).files
        rse = dataset.rse
        paths = await self.session.vre.executor.run(
            "Rucio", self.session.timeout, lambda: self._named_paths(rse, files)
        )
        there = await check_there(self.session, files, paths)
        return [
            Availability(did=f.did, state="available", path=p)
            if ok
            else Availability(did=f.did, state="not_available")
            for f, p, ok in zip(files, paths, there, strict=True)
        ]

    def _named_paths(self, info: dict[str, Any], files: list[RucioFile]) -> list[str | None]:
        lfns = [{"scope": f.scope, "name": f.name} for f in files]
        pfns = rsemanager.lfns2pfns(info, lfns, operation="read")  # type: ignore[arg-type]
        return [self.instance.local_path(pfns[f.did]) if f.did in pfns else None for f in files]

    def _replica_paths(self, client: Client, files: list[RucioFile], rse: str) -> list[str | None]:
        found: dict[str, str] = {}
        dids = [(f.scope, f.name) for f in files]
        for replica in list_replicas(client, dids, rse_expression=rse, all_states=True):
            pfns = replica.get("rses", {}).get(rse) or []
            if replica.get("states", {}).get(rse) == "AVAILABLE" and pfns:
                found[f"{replica['scope']}:{replica['name']}"] = self.instance.local_path(pfns[0])
        return [found.get(f.did) for f in files]

    async def availability(self, dids: list[tuple[str, str]]) -> AvailabilityList:
        """State of each file on the mounted RSE, asked in one call for the whole page.

        "available" is Rucio's replica state checked on the mount: the file is at its path with Rucio's size.
        """
        rse = self._require_replica_mode()

        def ask(client: Client) -> tuple[dict[str, Availability], list[tuple[RucioFile, str]]]:
            found: dict[str, Availability] = {}
            placed: list[tuple[RucioFile, str]] = []
            for replica in list_replicas(client, dids, rse_expression=rse, all_states=True):
                did = f"{replica['scope']}:{replica['name']}"
                state = replica.get("states", {}).get(rse)
                pfns = replica.get("rses", {}).get(rse) or []
                if state == "AVAILABLE" and pfns:
                    placed.append((RucioFile.of(replica), self.instance.local_path(pfns[0])))
                elif state == "COPYING":
                    found[did] = Availability(did=did, state="replicating")
            return found, placed

        found, placed = await self.session.call(ask)
        there = await check_there(self.session, [f for f, _ in placed], [p for _, p in placed])
        for (file, path), ok in zip(placed, there, strict=True):
            if ok:
                found[file.did] = Availability(did=file.did, state="available", path=path)
        files = [
            found.get(f"{s}:{n}") or Availability(did=f"{s}:{n}", state="not_available") for s, n in dids
        ]
        return AvailabilityList(rse=rse, files=files)

    async def file_path(self, did: tuple[str, str]) -> str:
        """Where one file is on the mount; a 409 unless it is there with Rucio's size."""
        rse = self._require_replica_mode()

        def locate(client: Client) -> tuple[RucioFile, str | None]:
            file = RucioFile.of({**client.get_did(*did), "scope": did[0], "name": did[1]})
            return file, self._replica_paths(client, [file], rse)[0]

        file, path = await self.session.call(locate)
        if path is None or not (await check_there(self.session, [file], [path]))[0]:
            raise Conflict(f"{did[0]}:{did[1]} is not available yet: {self.how}.", code="not_available")
        return path
