"""CWL, Snakemake and Yadage reana.yaml verdicts agree with the real `reana-client validate` 0.9.

reana-client loads the workflow file to validate it (cwltool --pack, snakemake's parser,
yadage's loader, all in its venv); we read the files as YAML and text. Each case is a
folder: a sample of the engine with one change. The messages name the file and line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reana_ext.validation import validate_text

pytestmark = pytest.mark.integration

SAMPLES = Path(__file__).resolve().parents[2] / "devstack" / "reana" / "samples"


def edit(name: str, old: str, new: str) -> Callable[[Path], None]:
    def change(folder: Path) -> None:
        path = folder / name
        text = path.read_text()
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, 1))

    return change


def remove(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


def append(name: str, text: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).write_text((folder / name).read_text() + text)


# engine: {case: (change, reana-client accepts, the key of our first error or None)}
CASES: dict[str, dict[str, tuple[Callable[[Path], None] | None, bool, str | None]]] = {
    "cwl": {
        "the sample": (None, True, None),
        "unknown key": (append("reana.yaml", "colour: blue\n"), True, None),
        "TARGET option": (
            edit("reana.yaml", "  parameters:\n", "  options:\n    TARGET: greet\n  parameters:\n"),
            True,
            None,
        ),
        "report option is Snakemake's": (
            edit("reana.yaml", "  parameters:\n", "  options:\n    report: r.html\n  parameters:\n"),
            False,
            "inputs.options.report",
        ),
        "workflow file missing": (remove("workflow/greet-and-count.cwl"), False, "workflow.file"),
        "no file nor specification": (
            edit("reana.yaml", "  file: workflow/greet-and-count.cwl\n", ""),
            False,
            "workflow",
        ),
        "job file missing": (remove("workflow/inputs.yaml"), False, "inputs.parameters.input"),
        "workflow not YAML": (
            edit("workflow/greet-and-count.cwl", "steps:\n", "steps: [\n"),
            False,
            "workflow.file",
        ),
        "step runs a missing file": (
            edit("workflow/greet-and-count.cwl", "run: count.cwl", "run: counting.cwl"),
            False,
            "workflow.file",
        ),
        "tool with a bad class": (
            edit("workflow/count.cwl", "class: CommandLineTool", "class: CommandLinetool"),
            False,
            "workflow.file",
        ),
        "no cwlVersion": (
            edit("workflow/greet-and-count.cwl", "cwlVersion: v1.0\n", ""),
            False,
            "workflow.file",
        ),
        "file is a number": (
            edit("reana.yaml", "file: workflow/greet-and-count.cwl", "file: 7"),
            False,
            "workflow.file",
        ),
    },
    "snakemake": {
        "the sample": (None, True, None),
        "unknown key": (append("reana.yaml", "colour: blue\n"), True, None),
        "report option": (
            edit("reana.yaml", "  parameters:\n", "  options:\n    report: report.html\n  parameters:\n"),
            True,
            None,
        ),
        "TARGET option is not Snakemake's": (
            edit("reana.yaml", "  parameters:\n", "  options:\n    TARGET: all\n  parameters:\n"),
            False,
            "inputs.options.TARGET",
        ),
        "Snakefile missing": (remove("workflow/Snakefile"), False, "workflow.file"),
        "config file missing": (remove("workflow/inputs.yaml"), False, "inputs.parameters.input"),
        "config key missing": (edit("workflow/inputs.yaml", "greeting: Hello\n", ""), False, "workflow.file"),
        "config not YAML": (
            edit("workflow/inputs.yaml", "greeting: Hello", "greeting: [Hello"),
            False,
            "inputs.parameters.input",
        ),
        "no rule (snakemake has nothing to do)": (
            lambda f: (f / "workflow" / "Snakefile").write_text("# nothing\n"),
            True,
            None,
        ),
        "no file nor specification": (
            edit("reana.yaml", "  file: workflow/Snakefile\n", ""),
            False,
            "workflow",
        ),
        "unknown type": (edit("reana.yaml", "type: snakemake", "type: nextflow"), False, "workflow.type"),
    },
    "yadage": {
        "the sample": (None, True, None),
        "unknown key": (append("reana.yaml", "colour: blue\n"), True, None),
        "toplevel option": (
            edit("reana.yaml", "  parameters:\n", "  options:\n    toplevel: workflow\n  parameters:\n"),
            True,
            None,
        ),
        "TARGET option is not Yadage's": (
            edit("reana.yaml", "  parameters:\n", "  options:\n    TARGET: x\n  parameters:\n"),
            False,
            "inputs.options.TARGET",
        ),
        "workflow file missing": (remove("workflow/workflow.yaml"), False, "workflow.file"),
        "workflow not YAML": (
            edit("workflow/workflow.yaml", "stages:\n", "stages: [\n"),
            False,
            "workflow.file",
        ),
        "no stages": (
            lambda f: (f / "workflow" / "workflow.yaml").write_text("steps: []\n"),
            False,
            "workflow.file",
        ),
        "stage without scheduler": (
            edit(
                "workflow/workflow.yaml",
                "    dependencies: [greet]\n    scheduler:",
                "    dependencies: [greet]\n    schedule:",
            ),
            False,
            "workflow.file",
        ),
        "missing steps file": (remove("workflow/steps.yaml"), False, "workflow.file"),
        "no file nor specification": (
            edit("reana.yaml", "  file: workflow/workflow.yaml\n", ""),
            False,
            "workflow",
        ),
    },
}


@pytest.fixture(scope="module")
def oracle(devstack_up: Any) -> str:
    return devstack_up("reana")["reana"]["client"]


def reana_client_accepts(client: str, folder: Path) -> tuple[bool, str]:
    # cwltool, which reana-client runs to pack CWL, is in the same venv
    env = {
        "PATH": f"{Path(client).parent}{os.pathsep}{os.environ['PATH']}",
        "HOME": str(folder),
        "PYTHONWARNINGS": "ignore",
    }
    done = subprocess.run(
        [client, "validate", "-f", "reana.yaml"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    return done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize(
    "engine, case", [(engine, case) for engine, cases in CASES.items() for case in cases], ids=lambda v: v
)
def test_our_verdict_agrees_with_reana_client(oracle: str, tmp_path: Path, engine: str, case: str) -> None:
    change, accepted, first_error = CASES[engine][case]
    folder = Path(shutil.copytree(SAMPLES / engine, tmp_path / engine))
    if change:
        change(folder)
    theirs, output = reana_client_accepts(oracle, folder)
    ours = validate_text((folder / "reana.yaml").read_text(), folder)
    assert theirs == accepted, f"reana-client: {output}"
    assert ours.valid == theirs, f"reana-client says {theirs}:\n{output}\nwe say {ours.messages}"
    errors = [m for m in ours.messages if m.severity == "error"]
    assert (errors[0].key if errors else None) == first_error, errors


def test_engine_messages_name_the_file_and_line(tmp_path: Path) -> None:
    folder = Path(shutil.copytree(SAMPLES / "snakemake", tmp_path / "s"))
    edit("workflow/inputs.yaml", "greeting: Hello\n", "")(folder)
    [message] = [
        m
        for m in validate_text((folder / "reana.yaml").read_text(), folder).messages
        if m.severity == "error"
    ]
    assert "config['greeting'] is not in the parameters (workflow/Snakefile, line 12)" in message.message
    assert message.line == 14  # the reana.yaml line of workflow.file
