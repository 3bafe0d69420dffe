"""What a dataset's rule on the mounted RSE says about its files, before any file is asked about.

Rucio is replaced by a double that answers the rule listing: the decisions are this
project's logic; the real Rucio's side is in tests/integration/test_rucio_collections.py.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest

from rucio_ext.replication import Replication
from vre_common.errors import VREError

RSE = "VRE-MOUNT"
DID = ("user.jdoe", "events")


def rule(state: str, ok: int, replicating: int = 0, stuck: int = 0, rse: str = RSE) -> dict[str, Any]:
    return {
        "rse_expression": rse,
        "state": state,
        "locks_ok_cnt": ok,
        "locks_replicating_cnt": replicating,
        "locks_stuck_cnt": stuck,
    }


class Rucio:
    def __init__(self, rules: list[dict[str, Any]]) -> None:
        self.rules = rules

    def list_did_rules(self, scope: str, name: str) -> list[dict[str, Any]]:
        assert (scope, name) == DID
        return self.rules

    def get_rse(self, rse: str) -> dict[str, Any]:
        return {"rse": rse, "deterministic": True, "protocols": []}


class Session:
    def __init__(self, rules: list[dict[str, Any]]) -> None:
        self.client = Rucio(rules)
        self.instance = SimpleNamespace(mode="replica", destination_rse=RSE, name="vre", label="vre")

    async def call(self, fn, timeout=None):
        return fn(self.client)


def replication(rules: list[dict[str, Any]]) -> Replication:
    return Replication(Session(rules), tasks=None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rules", "answer", "state"),
    [
        ([], "per_file", None),  # no rule: only the files can say
        ([rule("OK", 10)], "all", None),
        ([rule("REPLICATING", 0, replicating=10)], "none", "replicating"),
        ([rule("STUCK", 0, stuck=10)], "none", "not_available"),
        ([rule("REPLICATING", 3, replicating=7)], "per_file", None),  # some there
        ([rule("INJECT", 0)], "per_file", None),  # no locks yet: says nothing
        ([rule("REPLICATING", 0, replicating=10, rse="OTHER-RSE")], "per_file", None),
    ],
)
async def test_the_datasets_rule_answers_for_all_its_files_only_when_it_can(rules, answer, state):
    found = await replication(rules).dataset_state(DID)
    assert found.answer == answer
    if state:
        assert found.state == state
    assert (found.rse is not None) == (answer == "all")


async def test_a_rule_being_copied_refuses_at_once_saying_how_many_files_are_missing():
    with pytest.raises(VREError) as refused:
        await replication([rule("REPLICATING", 3, replicating=6, stuck=1)]).locator(DID)
    assert refused.value.code == "not_available"
    assert "7 of 10 files are still being copied" in refused.value.message


@pytest.mark.parametrize("rules", [[], [rule("INJECT", 0)], [rule("OTHER", 0, rse="X")]])
async def test_without_an_ok_or_copying_rule_the_files_themselves_are_walked(rules):
    locate = await replication(rules).locator(DID)
    assert locate.__name__ == "<lambda>" and "_replica_paths" in locate.__code__.co_names
