"""Our reana.yaml verdicts agree with the real `reana-client validate` (0.9, in its own venv)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest

from reana_ext.validation import validate_text

pytestmark = pytest.mark.integration

SAMPLE = Path(__file__).resolve().parents[2] / "devstack" / "reana" / "samples" / "helloworld"


def serial(steps: str, inputs: str = "inputs:\n  parameters:\n    name: x\n", extra: str = "") -> str:
    return (
        inputs
        + "workflow:\n  type: serial\n  specification:\n    steps:\n"
        + textwrap.indent(textwrap.dedent(steps), "      ")
        + extra
    )


STEP = "- name: only\n  environment: 'python:3.11'\n  commands:\n    - echo ${name}\n"

# name: (reana.yaml text, our expected (severity, key) messages, in order)
CASES: dict[str, tuple[str, list[tuple[str, str | None]]]] = {
    # valid, with nothing to say
    "minimal": (serial(STEP), []),
    "every step option": (
        serial(
            """\
            - name: fit
              environment: 'python:3.11'
              compute_backend: kubernetes
              kubernetes_memory_limit: 256Mi
              kubernetes_job_timeout: 600
              kubernetes_cpu_request: '1'
              rucio: true
              kerberos: false
              voms_proxy: false
              htcondor_max_runtime: espresso
              commands: ['echo ${name}']
            """
        )
        + "outputs:\n  files: [out.txt]\n  directories: [plots]\nversion: 0.9.0\n",
        [],
    ),
    # valid, with warnings
    "unused parameter": (
        serial(STEP, inputs="inputs:\n  parameters:\n    name: x\n    spare: y\n"),
        [("warning", "inputs.parameters.spare")],
    ),
    "undefined parameter": (
        serial("- name: only\n  environment: 'python:3.11'\n  commands: ['echo ${name} ${missing}']\n"),
        [("warning", "workflow.specification")],
    ),
    "no inputs": (
        serial("- environment: 'python:3.11'\n  commands: ['echo hi']\n", inputs=""),
        [("warning", None)],
    ),
    "unknown keys": (serial(STEP, extra="colour: blue\n"), [("warning", "colour")]),
    "dangerous command": (
        serial("- name: only\n  environment: 'python:3.11'\n  commands: ['sudo rm -rf x ${name}']\n"),
        [("warning", "workflow.specification.steps[0].commands[0]")],
    ),
    # invalid: reana-client refuses these
    "not YAML": ("workflow: [serial\n  type: x\n", [("error", None)]),
    "no workflow": ("inputs:\n  parameters: {}\n", [("error", None)]),
    "unknown type": (
        "inputs:\n  parameters: {}\nworkflow:\n  type: nextflow\n  specification: {}\n",
        [("error", "workflow.type")],
    ),
    "no steps": (
        serial("", extra="").replace("    steps:\n", "    steps: []\n"),
        [("error", "workflow.specification.steps")],
    ),
    "no specification nor file": (
        "inputs:\n  parameters: {}\nworkflow:\n  type: serial\n",
        [("error", "workflow")],
    ),
    "step without commands": (
        serial("- name: only\n  environment: 'python:3.11'\n"),
        [("error", "workflow.specification.steps[0]"), ("warning", "inputs.parameters.name")],
    ),
    "empty commands": (
        serial("- name: only\n  environment: 'python:3.11'\n  commands: []\n"),
        [("error", "workflow.specification.steps[0].commands"), ("warning", "inputs.parameters.name")],
    ),
    "command not a string": (
        serial("- name: only\n  environment: 'python:3.11'\n  commands:\n    - run: echo ${name}\n"),
        [("error", "workflow.specification.steps[0].commands[0]"), ("warning", "inputs.parameters.name")],
    ),
    "step without environment": (
        serial("- name: only\n  commands: ['echo ${name}']\n"),
        [("error", "workflow.specification.steps[0]")],
    ),
    "numeric version": (serial(STEP, extra="version: 0.9\n"), [("error", "version")]),
    "unknown compute backend": (
        serial("- commands: ['echo ${name}']\n  environment: 'python:3.11'\n  compute_backend: lsf\n"),
        [("error", "workflow.specification.steps[0].compute_backend")],
    ),
    "bad memory limit": (
        serial(
            "- commands: ['echo ${name}']\n  environment: 'python:3.11'\n  kubernetes_memory_limit: lots\n"
        ),
        [("error", "workflow.specification.steps[0].kubernetes_memory_limit")],
    ),
    "rucio not a boolean": (
        serial("- commands: ['echo ${name}']\n  environment: 'python:3.11'\n  rucio: 'maybe'\n"),
        [("error", "workflow.specification.steps[0].rucio")],
    ),
    "bad htcondor runtime": (
        serial(
            "- commands: ['echo ${name}']\n  environment: 'python:3.11'\n  htcondor_max_runtime: forever\n"
        ),
        [("error", "workflow.specification.steps[0].htcondor_max_runtime")],
    ),
    "input files not a list": (
        serial(STEP, inputs="inputs:\n  files: code.py\n  parameters:\n    name: x\n"),
        [("error", "inputs.files")],
    ),
    "engine-only step key": (
        serial("- commands: ['echo ${name}']\n  environment: 'python:3.11'\n  slurm_partition: inf\n"),
        [("warning", "workflow.specification.steps[0].slurm_partition")],
    ),
    "uid not a number": (
        serial("- commands: ['echo ${name}']\n  environment: 'python:3.11'\n  kubernetes_uid: abc\n"),
        [
            ("error", "workflow.specification.steps[0].kubernetes_uid"),
            ("warning", "workflow.specification.steps[0].kubernetes_uid"),
        ],
    ),
}


@pytest.fixture(scope="module")
def oracle(devstack_up: Any) -> str:
    """The real reana-client, installed by the dev stack's REANA setup."""
    return devstack_up("reana")["reana"]["client"]


def reana_client_accepts(client: str, folder: Path) -> tuple[bool, str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(folder), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run(
        [client, "validate", "-f", "reana.yaml"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("case", list(CASES))
def test_our_verdict_agrees_with_reana_client(oracle: str, tmp_path: Path, case: str) -> None:
    text, expected = CASES[case]
    (tmp_path / "reana.yaml").write_text(text)
    theirs, output = reana_client_accepts(oracle, tmp_path)
    ours = validate_text(text, tmp_path)
    assert ours.valid == theirs, (
        f"reana-client says {'valid' if theirs else 'invalid'}:\n{output}\nwe say {ours}"
    )
    assert ours.valid == (not any(severity == "error" for severity, _ in expected))
    assert [(m.severity, m.key) for m in ours.messages] == expected, ours.messages
    if not theirs:
        assert "not a valid" in output or "Something went wrong" in output or "Invalid" in output, output
    if any(severity == "warning" for severity, _ in expected) and theirs:
        assert "WARNING" in output.upper(), output


def test_the_sample_workflow_is_valid_for_both(oracle: str, tmp_path: Path) -> None:
    folder = Path(shutil.copytree(SAMPLE, tmp_path / "hello"))
    text = (folder / "reana.yaml").read_text()
    assert reana_client_accepts(oracle, folder)[0]
    report = validate_text(text, folder)
    assert report.valid and report.messages == []
    assert report.input_files == ["code/helloworld.py", "data/names.txt"]
    assert report.output_files == ["results/greetings.txt", "results/count.txt"]
    assert report.parameters["greeting"] == "Hello"


def test_messages_name_the_line() -> None:
    text = "inputs:\n  parameters: {}\nworkflow:\n  type: serial\n  specification:\n    steps:\n      - environment: x\n        commands: []\n"
    [message] = validate_text(text).messages
    assert (message.line, message.key) == (8, "workflow.specification.steps[0].commands")
    assert "line 8" in message.message
    [broken] = validate_text("workflow:\n  type: serial\n bad: indent\n").messages
    assert broken.line == 3 and broken.severity == "error"


def test_inputs_missing_from_the_folder_are_warned_about(tmp_path: Path) -> None:
    text = serial(
        STEP, inputs="inputs:\n  files: [code.py]\n  directories: [data]\n  parameters:\n    name: x\n"
    )
    report = validate_text(text, tmp_path)
    assert report.valid
    assert [m.key for m in report.messages] == ["inputs.files[0]", "inputs.directories[0]"]


def test_the_editors_schema_is_reana_commons_own(oracle: str) -> None:
    """The editor completes from a copy of reana-commons' reana.yaml schema; it is the one the oracle uses."""
    venv = Path(oracle).parent.parent
    [theirs] = venv.glob(
        "lib/python*/site-packages/reana_commons/validation/schemas/reana_analysis_schema.json"
    )
    ours = Path(__file__).resolve().parents[2] / "src" / "reana" / "editor" / "reana_analysis_schema.json"
    assert json.loads(ours.read_text()) == json.loads(theirs.read_text())
