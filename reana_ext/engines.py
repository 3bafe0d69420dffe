"""What reana-client 0.9 sends for each workflow engine, built without the engines.

reana-client loads `workflow.file` into `workflow.specification` before it creates a
workflow (reana-commons' `load_reana_spec`): CWL packed by `cwltool --pack`, Snakemake
read by snakemake into its rules and their dependencies, Yadage not sent at all (the
cluster loads it from the workspace), and for CWL and Snakemake `inputs.parameters`
replaced by the YAML file that `inputs.parameters.input` names. JupyterLab 4 cannot
host cwltool or snakemake, so this module does the same with plain YAML reading:

- CWL: `run:` references to other files are inlined (an inline process is valid CWL,
  and REANA's CWL engine runs it as it runs a packed one);
- Snakemake: the Snakefile is read for its `rule` blocks, their quoted input and output
  files (`config[...]` looked up in the parameters) and its container; a dependency is
  an output of one rule named as the input of another. Wildcards and Python code are not
  evaluated: REANA's engine runs the Snakefile itself, this reading only labels the graph.

It also holds REANA's operational options per engine (reana-commons 0.9).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from vre_common.errors import BadRequest
from vre_common.paths import resolve_within

# reana-commons 0.9 `available_options`: option -> the workflow types that take it.
OPERATIONAL_OPTIONS: dict[str, tuple[str, ...]] = {
    "CACHE": ("serial",),
    "FROM": ("serial",),
    "TARGET": ("serial", "cwl"),
    "toplevel": ("yadage",),
    "initdir": ("yadage",),
    "initfiles": ("yadage",),
    "accept_metadir": ("yadage",),
    "report": ("snakemake",),
}
MAX_WORKFLOW_FILE = 1 << 20
MAX_CWL_FILES = 200


def options_for(workflow_type: str) -> list[str]:
    return [name for name, kinds in OPERATIONAL_OPTIONS.items() if workflow_type in kinds]


def check_options(workflow_type: str, options: dict[str, Any]) -> None:
    for name in options:
        if workflow_type not in OPERATIONAL_OPTIONS.get(name, ()):
            takes = ", ".join(options_for(workflow_type)) or "none"
            raise BadRequest(
                f"Operational option {name!r} is not supported for {workflow_type} workflows; "
                f"they take {takes}.",
                code="invalid_operational_option",
            )


def _read_yaml(path: Path, base: Path) -> Any:
    if not path.is_file():
        raise BadRequest(
            f"{path.relative_to(base).as_posix()} is not in the workflow's folder.", code="missing_input"
        )
    if path.stat().st_size > MAX_WORKFLOW_FILE:
        raise BadRequest(f"{path.name} is larger than 1 MB.", code="spec_too_large")
    try:
        return yaml.safe_load(path.read_text(errors="replace"))
    except yaml.YAMLError as err:
        raise BadRequest(
            f"{path.relative_to(base).as_posix()} is not valid YAML: {err}", code="invalid_yaml"
        ) from None


def _pack_cwl(path: Path, base: Path, seen: list[Path]) -> Any:
    if len(seen) > MAX_CWL_FILES:
        raise BadRequest("The CWL workflow references too many files.", code="invalid_cwl")
    document = _read_yaml(path, base)
    if not isinstance(document, dict):
        raise BadRequest(f"{path.name} is not a CWL document.", code="invalid_cwl")
    steps = document.get("steps")
    if isinstance(steps, dict):
        # list form with ids, as `cwltool --pack` writes it (REANA's schema wants a list)
        steps = document["steps"] = [{"id": name, **(step or {})} for name, step in steps.items()]
    for step in steps if isinstance(steps, list) else []:
        run = step.get("run") if isinstance(step, dict) else None
        if isinstance(run, str) and not run.startswith("#") and "://" not in run:
            target = resolve_within(base, os.path.relpath(os.path.normpath(path.parent / run), base))
            if target in seen:
                raise BadRequest(f"{run} includes itself.", code="invalid_cwl")
            step["run"] = _pack_cwl(target, base, [*seen, target])
    return document


def load_cwl(base: Path, workflow_file: str) -> dict[str, Any]:
    base = base.resolve()
    main = resolve_within(base, workflow_file)
    return _pack_cwl(main, base, [main])


RULE = re.compile(r"^(?:local)?rule\s+(\w+)\s*:")
DIRECTIVE = re.compile(r"^\s+(\w+)\s*:(.*)$")
QUOTED = re.compile(r"""(?:config\[\s*["']([^"']+)["']\s*\])|["']([^"']*)["']""")


def _files(text: str, config: dict[str, Any]) -> list[str]:
    found = []
    for config_key, literal in QUOTED.findall(text):
        value = config.get(config_key) if config_key else literal
        if isinstance(value, str) and value and not value.startswith("docker://"):
            found.append(value)
    return found


def load_snakemake(base: Path, workflow_file: str, config: dict[str, Any]) -> dict[str, Any]:
    path = resolve_within(base, workflow_file)
    if not path.is_file():
        raise BadRequest(
            f"The Snakefile {workflow_file} is not in the workflow's folder.", code="missing_input"
        )
    rules: list[dict[str, Any]] = []
    rule: dict[str, Any] | None = None
    section: str | None = None
    for line in path.read_text(errors="replace").splitlines():
        if found := RULE.match(line):
            rule = {"name": found.group(1), "inputs": [], "outputs": [], "environment": "", "commands": []}
            rules.append(rule)
            section = None
            continue
        if line.strip() and not line[0].isspace():
            rule = section = None  # top-level Python: the rule has ended
        if rule is None:
            continue
        text = line
        if directive := DIRECTIVE.match(line):
            section, text = directive.group(1), directive.group(2)
        if section == "input":
            rule["inputs"] += _files(text, config)
        elif section == "output":
            rule["outputs"] += _files(text, config)
        elif section in ("container", "singularity") and (images := _files(text, {}) or QUOTED.findall(text)):
            image = images[0] if isinstance(images[0], str) else images[0][1]
            rule["environment"] = image.removeprefix("docker://")
        elif section == "shell":
            rule["commands"] += [literal for _, literal in QUOTED.findall(text)]
    producers = {output: rule["name"] for rule in rules for output in rule["outputs"]}
    dependencies = {
        rule["name"]: sorted({producers[f] for f in rule["inputs"] if f in producers} - {rule["name"]})
        for rule in rules
    }
    for rule in rules:
        rule["commands"] = [" ".join(rule["commands"])] if rule["commands"] else []
    return {"job_dependencies": dependencies, "steps": rules}


def load_yadage_stages(base: Path, workflow_file: str) -> dict[str, Any]:
    """The Yadage workflow file as written (its stages; their `$ref`ed steps are not needed for the graph)."""
    path = resolve_within(base, workflow_file)
    document = _read_yaml(path, base)
    if not isinstance(document, dict):
        raise BadRequest(f"{workflow_file} is not a Yadage workflow.", code="invalid_yadage")
    return document


def input_parameters(base: Path, spec: dict[str, Any]) -> dict[str, Any] | None:
    """CWL and Snakemake: the parameters from the file `inputs.parameters.input` names, as reana-client."""
    parameters = (spec.get("inputs") or {}).get("parameters") or {}
    input_file = parameters.get("input") if isinstance(parameters, dict) else None
    if not isinstance(input_file, str):
        return None
    loaded = _read_yaml(resolve_within(base, input_file), base)
    if not isinstance(loaded, dict):
        raise BadRequest(f"{input_file} must be a mapping of parameters.", code="invalid_parameters")
    return loaded


def creation_spec(base: Path, spec: dict[str, Any]) -> dict[str, Any]:
    """The reana.yaml as reana-client 0.9 sends it to `POST /api/workflows` (blocking: run in a thread)."""
    sent = {**spec, "workflow": dict(spec["workflow"])}
    workflow = sent["workflow"]
    kind = workflow["type"]
    if kind in ("cwl", "snakemake"):
        loaded = input_parameters(base, spec)
        if loaded is not None:
            sent["inputs"] = {**(spec.get("inputs") or {}), "parameters": loaded}
    if kind == "cwl":
        workflow["specification"] = load_cwl(base, workflow["file"])
    elif kind == "snakemake":
        parameters = (sent.get("inputs") or {}).get("parameters") or {}
        workflow["specification"] = load_snakemake(base, workflow["file"], parameters)
    elif kind == "yadage":
        # reana-client sends no Yadage specification: the cluster loads it from the workspace.
        workflow["specification"] = None
    return sent


# --- what loading the workflow file would find -------------------------------------------
@dataclass(frozen=True)
class FileProblem:
    file: str  # relative to the reana.yaml's folder
    line: int | None
    message: str


CWL_CLASSES = ("Workflow", "CommandLineTool", "ExpressionTool", "Operation")
CONFIG_USE = re.compile(r"""config\[\s*["']([^"']+)["']\s*\]""")


def _yaml_problem(path: Path, base: Path) -> tuple[Any, FileProblem | None]:
    relative = path.relative_to(base).as_posix()
    try:
        return yaml.safe_load(path.read_text(errors="replace")), None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, FileProblem(relative, line, f"Not valid YAML: {getattr(err, 'problem', None) or err}")


def _cwl_problems(path: Path, base: Path, seen: list[Path]) -> list[FileProblem]:
    document, problem = _yaml_problem(path, base)
    if problem:
        return [problem]
    relative = path.relative_to(base).as_posix()
    if not isinstance(document, dict):
        return [FileProblem(relative, None, "A CWL document must be a mapping")]
    if "$graph" in document:
        return []
    problems = []
    if document.get("class") not in CWL_CLASSES:
        problems.append(
            FileProblem(
                relative,
                None,
                f"CWL 'class' must be one of {', '.join(CWL_CLASSES)}, not {document.get('class')!r}",
            )
        )
    if "cwlVersion" not in document and len(seen) == 1:
        problems.append(FileProblem(relative, None, "The CWL document has no 'cwlVersion'"))
    steps = document.get("steps")
    items = steps.values() if isinstance(steps, dict) else steps if isinstance(steps, list) else []
    for step in items:
        run = step.get("run") if isinstance(step, dict) else None
        if isinstance(run, str) and not run.startswith("#") and "://" not in run:
            target = Path(os.path.normpath(path.parent / run))
            if not target.is_relative_to(base) or not target.is_file():
                problems.append(
                    FileProblem(relative, None, f"Step runs {run}, which is not in the workflow's folder")
                )
            elif target not in seen:
                problems += _cwl_problems(target, base, [*seen, target])
    return problems


def _snakemake_problems(path: Path, base: Path, config: dict[str, Any] | None) -> list[FileProblem]:
    relative = path.relative_to(base).as_posix()
    problems = []
    lines = path.read_text(errors="replace").splitlines()
    if config is not None:
        for number, line in enumerate(lines, start=1):
            for key in CONFIG_USE.findall(line):
                if key not in config:
                    problems.append(
                        FileProblem(relative, number, f"config[{key!r}] is not in the parameters")
                    )
    return problems


def _yadage_problems(path: Path, base: Path, toplevel: Path) -> list[FileProblem]:
    """`toplevel`: where yadage resolves `$ref`s (the workspace, or the `toplevel` option)."""
    document, problem = _yaml_problem(path, base)
    if problem:
        return [problem]
    relative = path.relative_to(base).as_posix()
    stages = document.get("stages") if isinstance(document, dict) else None
    if not isinstance(stages, list) or not stages:
        return [FileProblem(relative, None, "A Yadage workflow needs 'stages', a list")]
    problems = []
    for number, stage in enumerate(stages):
        if not isinstance(stage, dict) or not all(k in stage for k in ("name", "dependencies", "scheduler")):
            problems.append(
                FileProblem(relative, None, f"Stage {number} needs name, dependencies and scheduler")
            )
            continue
        step = (
            (stage.get("scheduler") or {}).get("step") if isinstance(stage.get("scheduler"), dict) else None
        )
        ref = step.get("$ref") if isinstance(step, dict) else None
        if isinstance(ref, str):
            target = Path(os.path.normpath(toplevel / ref.split("#")[0]))
            if not target.is_relative_to(base) or not target.is_file():
                problems.append(
                    FileProblem(
                        relative, None, f"Stage {stage['name']} refers to {ref}, which is not in the folder"
                    )
                )
    return problems


def engine_problems(
    kind: str, base: Path, workflow_file: str, config: dict[str, Any] | None
) -> list[FileProblem]:
    """Problems that would stop reana-client from loading the workflow file (blocking)."""
    base = base.resolve()
    path = (base / workflow_file).resolve()
    if not path.is_relative_to(base) or not path.is_file() or path.stat().st_size > MAX_WORKFLOW_FILE:
        return [FileProblem(workflow_file, None, "The workflow file cannot be read")]
    if kind == "cwl":
        return _cwl_problems(path, base, [path])
    if kind == "snakemake":
        return _snakemake_problems(path, base, config)
    if kind == "yadage":
        return _yadage_problems(path, base, base)
    return []
