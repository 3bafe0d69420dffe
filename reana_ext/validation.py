"""Read and check a `reana.yaml` the way REANA 0.9 judges it, with messages that name the line and key.

reana-client cannot be installed next to JupyterLab 4, so this module is our
own reading of the REANA 0.9 specification rules. Its verdict (valid or not)
is tested to agree with `reana-client validate` on sample files; the rules:

- errors (reana-client refuses the file): YAML that does not parse, no
  `workflow`, an unknown workflow type, neither `specification` nor `file`,
  values of the wrong type, a serial workflow without steps or commands, an
  unknown compute backend, a malformed memory limit or HTCondor runtime, a
  workflow file that does not exist;
- warnings (reana-client accepts it but says so): unknown keys, no `inputs`,
  parameters that no command uses, `${parameters}` that are not defined,
  dangerous commands (`sudo `, `cd /`), listed inputs that are not in the
  folder.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from vre_common.errors import VREError

from .engines import OPERATIONAL_OPTIONS, engine_problems, options_for
from .engines import input_parameters as engine_input_parameters
from .models import ValidationMessage, ValidationReport

WORKFLOW_TYPES = ("serial", "cwl", "snakemake", "yadage")
COMPUTE_BACKENDS = ("kubernetes", "htcondorcern", "slurmcern", "compute4punch")
HTCONDOR_FLAVOURS = ("espresso", "microcentury", "longlunch", "workday", "tomorrow", "testmatch", "nextweek")
# A Kubernetes quantity at the end of the value, e.g. 256Mi, 2G, 1.5Gi, 1000000 (as REANA's pattern).
MEMORY_LIMIT = re.compile(r"(?:\d+|(?:\d+\.)?\d+[EPTGMK]i?)$")
CVMFS_REPOSITORY = re.compile(r"^[a-zA-Z0-9][a-zA-Z0-9.\-_]*$")
DANGEROUS = ("sudo ", "cd /")
PARAMETER_USE = re.compile(r"\$\{(.*?)\}")

# Known keys per section; others are warnings, as in REANA.
TOP_KEYS = ("version", "inputs", "workflow", "outputs", "tests", "workspace")
SECTION_KEYS = {
    "inputs": ("files", "directories", "parameters", "options"),
    "workflow": ("type", "file", "specification", "resources"),
    "outputs": ("files", "directories"),
    "tests": ("files",),
    "workspace": ("root_path", "retention_days"),
}
# The keys a serial step may have, with their types.
STEP_TYPES: dict[str, type] = {
    "name": str,
    "environment": str,
    "commands": list,
    "compute_backend": str,
    "kerberos": bool,
    "voms_proxy": bool,
    "rucio": bool,
    "unpacked_img": bool,
    "kubernetes_job_timeout": int,
    "kubernetes_cpu_request": str,
    "kubernetes_cpu_limit": str,
    "kubernetes_memory_request": str,
    "kubernetes_memory_limit": str,
    "htcondor_max_runtime": str,
    "htcondor_accounting_group": str,
    "c4p_cpu_cores": str,
    "c4p_memory_limit": str,
    "c4p_additional_requirements": str,
}
# Keys REANA's serial engine reads too, but that its specification schema does not list (warned about).
ENGINE_STEP_TYPES: dict[str, type] = {
    "unpacked_image": bool,
    "kubernetes_uid": int,
    "slurm_partition": str,
    "slurm_time": str,
}
TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "a whole number",
    list: "a list",
    dict: "a mapping",
}

Path_ = tuple[str | int, ...]


class _Lines:
    """Line numbers (1-based) of keys and items in the YAML source."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root

    def of(self, path: Path_) -> int | None:
        node, line = self.root, None
        for part in path:
            if node is None:
                break
            line = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                found = next(
                    ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == part),
                    None,
                )
                if found is None:
                    return line
                line, node = found[0].start_mark.line + 1, found[1]
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                return line
        if not path and node is not None:
            return node.start_mark.line + 1
        return line


def _dotted(path: Path_) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else p) for i, p in enumerate(path))


def _is(value: Any, kind: type | tuple[type, ...]) -> bool:
    if kind is int or kind == (int,):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


class _Checker:
    def __init__(self, lines: _Lines, base_dir: Path | None) -> None:
        self.lines = lines
        self.base_dir = base_dir
        self.messages: list[ValidationMessage] = []

    def add(self, severity: str, path: Path_, message: str) -> None:
        key = _dotted(path) or None
        line = self.lines.of(path)
        where = f"line {line}" if line else ""
        if key:
            where = f"{where}, {key}" if where else key
        self.messages.append(
            ValidationMessage(
                severity=severity,  # type: ignore[arg-type]
                key=key,
                line=line,
                message=f"{message} ({where})" if where else message,
            )
        )

    def error(self, path: Path_, message: str) -> None:
        self.add("error", path, message)

    def warn(self, path: Path_, message: str) -> None:
        self.add("warning", path, message)

    def typed(self, value: Any, kind: type, path: Path_) -> bool:
        if _is(value, kind):
            return True
        self.error(path, f"{_dotted(path)} must be {TYPE_NAMES[kind]}")
        return False

    def unknown_keys(self, mapping: dict[str, Any], known: tuple[str, ...], path: Path_) -> None:
        for key in mapping:
            if key not in known:
                place = f" in {_dotted(path)}" if path else ""
                self.warn((*path, key), f"Unexpected key '{key}'{place}; REANA ignores it")

    def string_list(self, value: Any, path: Path_) -> list[str]:
        if not self.typed(value, list, path):
            return []
        good = []
        for index, item in enumerate(value):
            if self.typed(item, str, (*path, index)):
                good.append(item)
        return good

    # --- sections ---------------------------------------------------------------------
    def check(
        self, spec: Any
    ) -> tuple[str | None, dict[str, Any], dict[str, list[str]], dict[str, list[str]]]:
        if not isinstance(spec, dict):
            self.error((), "A reana.yaml must be a mapping with at least a 'workflow' key")
            return None, {}, {}, {}
        self.unknown_keys(spec, TOP_KEYS, ())
        if "version" in spec:
            self.typed(spec["version"], str, ("version",))
        inputs = self.inputs(spec)
        outputs = self.files_section(spec, "outputs")
        if "tests" in spec and self.typed(spec["tests"], dict, ("tests",)):
            self.unknown_keys(spec["tests"], SECTION_KEYS["tests"], ("tests",))
            if "files" in spec["tests"]:
                self.string_list(spec["tests"]["files"], ("tests", "files"))
        if "workspace" in spec and self.typed(spec["workspace"], dict, ("workspace",)):
            self.unknown_keys(spec["workspace"], SECTION_KEYS["workspace"], ("workspace",))
            workspace = spec["workspace"]
            if "root_path" in workspace:
                self.typed(workspace["root_path"], str, ("workspace", "root_path"))
            if (
                "retention_days" in workspace
                and self.typed(workspace["retention_days"], dict, ("workspace", "retention_days"))
                and not workspace["retention_days"]
            ):
                self.error(("workspace", "retention_days"), "retention_days must name at least one pattern")
        parameters = inputs.pop("_parameters", {})  # type: ignore[arg-type]
        workflow_type = self.workflow(spec, parameters)
        return workflow_type, parameters, inputs, outputs

    def inputs(self, spec: dict[str, Any]) -> dict[str, Any]:
        found: dict[str, Any] = {"files": [], "directories": [], "_parameters": {}}
        if "inputs" not in spec:
            self.warn((), "No 'inputs': the workflow gets no files and no parameters")
            return found
        inputs = spec["inputs"]
        if not self.typed(inputs, dict, ("inputs",)):
            return found
        self.unknown_keys(inputs, SECTION_KEYS["inputs"], ("inputs",))
        for kind in ("files", "directories"):
            if kind in inputs:
                found[kind] = self.string_list(inputs[kind], ("inputs", kind))
                for index, name in enumerate(found[kind]):
                    self.exists(name, kind == "directories", ("inputs", kind, index))
        if "parameters" in inputs:
            if inputs["parameters"] is None:
                self.error(("inputs", "parameters"), "inputs.parameters must be a mapping")
            elif self.typed(inputs["parameters"], dict, ("inputs", "parameters")):
                found["_parameters"] = inputs["parameters"]
        if "options" in inputs:
            self.typed(inputs["options"], dict, ("inputs", "options"))
        return found

    def inside(self, name: str) -> Path | None:
        """The file `name` names if it is inside the workflow's folder. Outside it, whether it exists
        is not looked at: the editor's text could otherwise probe the server's disk."""
        assert self.base_dir is not None
        target = self.base_dir / name
        return target if target.resolve().is_relative_to(self.base_dir.resolve()) else None

    def exists(self, name: str, directory: bool, path: Path_) -> None:
        if self.base_dir is None:
            return
        target = self.inside(name)
        if target is None or not (target.is_dir() if directory else target.is_file()):
            kind = "folder" if directory else "file"
            self.warn(
                path, f"Input {kind} '{name}' is not in the workflow's folder, so it cannot be uploaded"
            )

    def files_section(self, spec: dict[str, Any], section: str) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {"files": [], "directories": []}
        if section not in spec or not self.typed(spec[section], dict, (section,)):
            return found
        self.unknown_keys(spec[section], SECTION_KEYS[section], (section,))
        for kind in ("files", "directories"):
            if kind in spec[section]:
                found[kind] = self.string_list(spec[section][kind], (section, kind))
        return found

    def workflow(self, spec: dict[str, Any], parameters: dict[str, Any]) -> str | None:
        if "workflow" not in spec:
            self.error((), "'workflow' is missing: say its type and its specification or file")
            return None
        workflow = spec["workflow"]
        if not self.typed(workflow, dict, ("workflow",)):
            return None
        self.unknown_keys(workflow, SECTION_KEYS["workflow"], ("workflow",))
        kind = workflow.get("type")
        if kind is None:
            self.error(("workflow",), "workflow.type is missing: one of " + ", ".join(WORKFLOW_TYPES))
        elif kind not in WORKFLOW_TYPES:
            self.error(
                ("workflow", "type"),
                f"Unknown workflow type {kind!r}: use one of " + ", ".join(WORKFLOW_TYPES),
            )
            kind = None
        if "file" in workflow:
            self.typed(workflow["file"], str, ("workflow", "file"))
        if "specification" in workflow:
            self.typed(workflow["specification"], dict, ("workflow", "specification"))
        if "file" not in workflow and "specification" not in workflow:
            self.error(("workflow",), "The workflow needs a 'specification' or a 'file'")
        if "resources" in workflow:
            self.resources(workflow["resources"])
        if kind == "serial":
            self.serial(workflow, parameters, "inputs" in spec)
        elif (
            kind is not None
            and isinstance(workflow.get("file"), str)
            and self.exists_file(workflow["file"], ("workflow", "file"))
            and self.base_dir is not None
        ):
            self.engine_files(kind, workflow["file"], spec)
        if kind is not None:
            self.operational_options(kind, spec)
        return kind

    def operational_options(self, kind: str, spec: dict[str, Any]) -> None:
        options = (spec.get("inputs") or {}).get("options") if isinstance(spec.get("inputs"), dict) else None
        if not isinstance(options, dict):
            return
        for name in options:
            if kind not in OPERATIONAL_OPTIONS.get(name, ()):
                takes = ", ".join(options_for(kind)) or "none"
                self.error(
                    ("inputs", "options", name),
                    f"Operational option {name!r} is not supported for {kind} workflows; they take {takes}",
                )

    def engine_files(self, kind: str, workflow_file: str, spec: dict[str, Any]) -> None:
        """What reana-client learns by loading the workflow file, read here as files (see engines.py)."""
        assert self.base_dir is not None
        path: Path_ = ("workflow", "file")
        config: dict[str, Any] | None = None
        if kind in ("cwl", "snakemake"):
            parameters = (
                (spec.get("inputs") or {}).get("parameters") if isinstance(spec.get("inputs"), dict) else None
            )
            given = parameters.get("input") if isinstance(parameters, dict) else None
            if isinstance(given, str):
                try:
                    config = engine_input_parameters(self.base_dir, spec) or {}
                except VREError as err:
                    self.error(("inputs", "parameters", "input"), err.message)
                    return
        # reana-client resolves Yadage's $refs from the reana.yaml's folder (its `toplevel`
        # option is overridden when it validates)
        for problem in engine_problems(kind, self.base_dir, workflow_file, config):
            where = f"{problem.file}, line {problem.line}" if problem.line else problem.file
            self.error(path, f"{problem.message} ({where})")

    def resources(self, resources: Any) -> None:
        path: Path_ = ("workflow", "resources")
        if not self.typed(resources, dict, path):
            return
        self.unknown_keys(resources, ("cvmfs", "kerberos"), path)
        if "kerberos" in resources:
            self.typed(resources["kerberos"], bool, (*path, "kerberos"))
        if "cvmfs" in resources:
            names = self.string_list(resources["cvmfs"], (*path, "cvmfs"))
            for index, name in enumerate(names):
                if not CVMFS_REPOSITORY.match(name) or len(name) > 60:
                    self.error((*path, "cvmfs", index), f"{name!r} is not a CVMFS repository name")
            if len(set(names)) != len(names):
                self.error((*path, "cvmfs"), "CVMFS repositories must not repeat")

    def exists_file(self, name: str, path: Path_) -> bool:
        if self.base_dir is not None and not ((target := self.inside(name)) and target.is_file()):
            self.error(path, f"The workflow file '{name}' is not in the workflow's folder")
            return False
        return True

    def serial(self, workflow: dict[str, Any], parameters: dict[str, Any], has_inputs: bool) -> None:
        spec = workflow.get("specification")
        spec_path: Path_ = ("workflow", "specification")
        if not spec:
            # REANA reads the steps from `file` only when there is no specification.
            if isinstance(workflow.get("file"), str):
                self.error(
                    ("workflow", "file"),
                    "A serial workflow's steps must be written under workflow.specification",
                )
            elif "specification" in workflow and isinstance(workflow["specification"], dict):
                self.error(spec_path, "workflow.specification needs 'steps'")
            return
        if not isinstance(spec, dict):
            return
        self.unknown_keys(spec, ("steps",), spec_path)
        steps = spec.get("steps")
        if steps is None:
            self.error(spec_path, "A serial workflow needs workflow.specification.steps")
            return
        if not self.typed(steps, list, (*spec_path, "steps")):
            return
        if not steps:
            self.error((*spec_path, "steps"), "A serial workflow needs at least one step")
            return
        used: dict[str, list[str]] = {}
        for number, step in enumerate(steps):
            path: Path_ = (*spec_path, "steps", number)
            if not self.typed(step, dict, path):
                continue
            name = step.get("name") if isinstance(step.get("name"), str) else str(number)
            for key, kind in {**STEP_TYPES, **ENGINE_STEP_TYPES}.items():
                if key in step and key != "commands":
                    self.typed(step[key], kind, (*path, key))
            self.unknown_keys(step, tuple(STEP_TYPES), path)
            backend = step.get("compute_backend")
            if isinstance(backend, str) and backend not in COMPUTE_BACKENDS:
                self.error(
                    (*path, "compute_backend"),
                    f"Unknown compute backend {backend!r}: use one of " + ", ".join(COMPUTE_BACKENDS),
                )
            memory = step.get("kubernetes_memory_limit")
            if isinstance(memory, str) and not MEMORY_LIMIT.search(memory):
                self.error(
                    (*path, "kubernetes_memory_limit"),
                    f"Memory limit {memory!r} is not a Kubernetes quantity such as 256Mi or 2Gi",
                )
            runtime = step.get("htcondor_max_runtime")
            if (
                isinstance(runtime, str)
                and runtime
                and not runtime.isdigit()
                and runtime not in HTCONDOR_FLAVOURS
            ):
                self.error(
                    (*path, "htcondor_max_runtime"),
                    f"htcondor_max_runtime {runtime!r} must be seconds or one of "
                    + ", ".join(HTCONDOR_FLAVOURS),
                )
            if "environment" not in step:
                self.error(path, f"Step '{name}' has no 'environment' (the container image it runs in)")
            if "commands" not in step:
                self.error(path, f"Step '{name}' has no 'commands'")
                continue
            commands = step["commands"]
            if not self.typed(commands, list, (*path, "commands")):
                continue
            if not commands:
                self.error((*path, "commands"), f"Step '{name}' needs at least one command")
                continue
            for index, command in enumerate(commands):
                if not self.typed(command, str, (*path, "commands", index)):
                    continue
                for operation in DANGEROUS:
                    if operation in command:
                        self.warn(
                            (*path, "commands", index),
                            f"Operation '{operation.strip()}' in step '{name}' might be dangerous",
                        )
                for parameter in PARAMETER_USE.findall(command):
                    used.setdefault(parameter, [])
                    if name not in used[parameter]:
                        used[parameter].append(name)
        for parameter in parameters:
            if parameter not in used:
                self.warn(
                    ("inputs", "parameters", parameter), f"Parameter '{parameter}' is not used by any command"
                )
        for parameter, steps_using in used.items():
            if parameter not in parameters:
                self.warn(
                    spec_path,
                    f"Parameter '{parameter}' used in step(s) {', '.join(steps_using)} is not defined in "
                    "inputs.parameters",
                )


def validate_text(text: str, base_dir: Path | None = None, source: str = "reana.yaml") -> ValidationReport:
    """Check the text of a reana.yaml; `base_dir` (its folder) enables checks that files exist."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        spec = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        return ValidationReport(
            source=source,
            valid=False,
            messages=[
                ValidationMessage(
                    severity="error",
                    line=line,
                    key=None,
                    message=f"Not valid YAML: {problem}" + (f" (line {line})" if line else ""),
                )
            ],
        )
    checker = _Checker(_Lines(root), base_dir)
    workflow_type, parameters, inputs, outputs = checker.check(spec)
    errors = [m for m in checker.messages if m.severity == "error"]
    return ValidationReport(
        source=source,
        valid=not errors,
        workflow_type=workflow_type,  # type: ignore[arg-type]
        parameters={str(k): v for k, v in parameters.items()} if isinstance(parameters, dict) else {},
        input_files=inputs.get("files", []),
        input_directories=inputs.get("directories", []),
        output_files=outputs.get("files", []),
        output_directories=outputs.get("directories", []),
        messages=sorted(checker.messages, key=lambda m: (m.severity != "error", m.line or 0)),
        specification=spec if not errors else None,
    )
