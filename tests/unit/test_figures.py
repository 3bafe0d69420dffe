"""The figures table is honest: figures of a failed suite are marked, outputs are counted once."""

from __future__ import annotations

import json
import re

import figures
import leakcheck
import pytest


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("VRE_FIGURES_DIR", str(tmp_path))
    return tmp_path


def rows(table: str) -> dict[str, str]:
    """figure name -> its whole line."""
    return {re.split(r"\s{2,}", line)[1]: line for line in table.splitlines()[2:]}


def test_figures_of_a_failed_step_are_marked_and_of_a_passed_one_not(folder, monkeypatch):
    monkeypatch.setenv("VRE_FIGURES_STEP", "pytest")
    figures.record("load", "p99 ms", 12.5)
    monkeypatch.setenv("VRE_FIGURES_STEP", "UI")
    figures.record("security", "UI leaks", 0)
    figures.step_result("pytest", "failed")
    figures.step_result("UI", "ok")

    shown = rows(figures.table())
    assert "FROM A FAILED SUITE (pytest)" in shown["p99 ms"]
    assert shown["UI leaks"].rstrip().endswith("0")
    assert "FAILED" not in shown["UI leaks"]


def test_a_figure_measured_outside_test_sh_says_its_outcome_is_unknown(folder, monkeypatch):
    monkeypatch.delenv("VRE_FIGURES_STEP", raising=False)
    figures.record("fuzzing", "examples tried", 300)
    assert "outcome unknown" in rows(figures.table())["examples tried"]
    assert json.loads((folder / "fuzzing.json").read_text())["examples tried"] == {"value": 300, "step": None}


@pytest.fixture
def own_counts(monkeypatch):
    """This module's scans stay out of the session's security figures (its leaks are planted)."""
    monkeypatch.setattr(leakcheck, "_scanned", set())
    monkeypatch.setattr(leakcheck, "_leaks", set())


def test_leakcheck_counts_distinct_outputs_and_finds_private_keys(own_counts):
    text = "log line -----BEGIN RSA PRIVATE KEY-----\nMIIE...\n"
    assert leakcheck.leaks_in(text) == ["a PEM private key"]
    assert leakcheck.leaks_in(text)  # the same text again: still a leak, not a second output
    assert (len(leakcheck._scanned), len(leakcheck._leaks)) == (1, 1)
    assert leakcheck.leaks_in("-----BEGIN CERTIFICATE-----\nMIID...\n") == []


def test_the_leak_scan_command_fails_on_a_leak_and_on_nothing_to_scan(folder, tmp_path, own_counts):
    clean, dirty = tmp_path / "server.log", tmp_path / "storage.json"
    clean.write_text("[D] 200 GET /vre/api/rucio/instances\n")
    dirty.write_text('{"token": "-----BEGIN PRIVATE KEY-----"}')
    assert leakcheck.main([str(clean)]) == 0
    assert leakcheck.main([str(clean), str(dirty)]) == 1
    assert leakcheck.main([]) == 1
    assert leakcheck.main([str(tmp_path / "missing.log")]) == 1
    assert json.loads((folder / "security.json").read_text())["UI leaks"]["value"] >= 1
