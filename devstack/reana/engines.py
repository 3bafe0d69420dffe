"""The REANA stand-in's engines for CWL and Snakemake: the real `cwltool` and `snakemake`.

They run from `$VRE_DEVSTACK_HOME/venvs/reana-engines` (installed by setup.sh at the
versions REANA 0.9's engines pin), in the workflow's workspace, without containers:
like the serial runner, the stand-in ignores the images the steps name. Each engine
is one process; the steps' live status is read from its log lines, as REANA's engine
adapters report job status from their engines. Yadage is stored but not executed.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# reana-commons 0.9's operational options: option -> {workflow type: engine name}.
OPERATIONAL_OPTIONS = {
    "CACHE": {"serial": "CACHE"},
    "FROM": {"serial": "FROM"},
    "TARGET": {"serial": "TARGET", "cwl": "--target"},
    "toplevel": {"yadage": "toplevel"},
    "initdir": {"yadage": "initdir"},
    "initfiles": {"yadage": "initfiles"},
    "accept_metadir": {"yadage": "accept_metadir"},
    "report": {"snakemake": "report"},
}
RUNS = ("serial", "cwl", "snakemake")
NOT_RUN = "This REANA stand-in stores and validates {kind} workflows but does not execute them."


def check_options(kind: str, options: Any) -> dict[str, Any]:
    """The operational options translated for the engine, or ValueError with REANA's message."""
    if not isinstance(options, dict):
        raise ValueError("==> ERROR: Operational options must be a dictionary.")
    translated = {}
    for option, value in options.items():
        if option not in OPERATIONAL_OPTIONS:
            raise ValueError(f'==> ERROR: Operational option "{option}" not supported.')
        engine_name = OPERATIONAL_OPTIONS[option].get(kind)
        if not engine_name:
            raise ValueError(f'==> ERROR: Operational option "{option}" not supported for {kind} workflows.')
        translated[engine_name] = value
    return translated


def engines_bin() -> Path:
    home = Path(os.environ.get("VRE_DEVSTACK_HOME", Path(__file__).resolve().parents[2] / ".devstack"))
    return home / "venvs" / "reana-engines" / "bin"


# --- CWL ---------------------------------------------------------------------------------
def _short(cwl_id: str) -> str:
    return cwl_id.rsplit("/", 1)[-1].lstrip("#")


def cwl_main(spec: dict[str, Any]) -> dict[str, Any]:
    """The top-level process of a packed CWL document (`cwltool --pack` puts it at `#main`)."""
    graph = spec.get("$graph")
    if isinstance(graph, list):
        for process in graph:
            if isinstance(process, dict) and process.get("id") in ("#main", "main"):
                return process
        return graph[0] if graph and isinstance(graph[0], dict) else {}
    return spec


def cwl_steps(spec: dict[str, Any]) -> list[str]:
    steps = cwl_main(spec).get("steps") or []
    if isinstance(steps, dict):
        return list(steps)
    return [_short(str(step.get("id", index))) for index, step in enumerate(steps) if isinstance(step, dict)]


def _without_containers(value: Any) -> Any:
    """The CWL document with DockerRequirement moved from requirements to hints: cwltool
    refuses to run a required container with --no-container, and the stand-in runs none."""
    if isinstance(value, list):
        return [_without_containers(v) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: _without_containers(v) for k, v in value.items()}
    requirements = value.get("requirements")
    if isinstance(requirements, dict) and "DockerRequirement" in requirements:
        hints = value.get("hints") if isinstance(value.get("hints"), dict) else {}
        value["hints"] = {**hints, "DockerRequirement": requirements.pop("DockerRequirement")}
    elif isinstance(requirements, list):
        docker = [r for r in requirements if isinstance(r, dict) and r.get("class") == "DockerRequirement"]
        if docker:
            value["requirements"] = [r for r in requirements if r not in docker]
            hints = value.get("hints")
            value["hints"] = (hints if isinstance(hints, list) else []) + docker
    return value


def _absolute_locations(value: Any, workspace: Path) -> Any:
    """Relative File/Directory paths of a job order, made absolute under the workspace."""
    if isinstance(value, list):
        return [_absolute_locations(v, workspace) for v in value]
    if not isinstance(value, dict):
        return value
    value = {k: _absolute_locations(v, workspace) for k, v in value.items()}
    if value.get("class") in ("File", "Directory"):
        for key in ("path", "location"):
            where = value.get(key)
            if isinstance(where, str) and "://" not in where and not where.startswith("/"):
                value[key] = str(workspace / where)
    return value


@dataclass
class Plan:
    """How one engine run is started and how its log lines are read."""

    command: list[str]
    steps: list[str]  # known up front (CWL); Snakemake's jobs appear as it schedules them
    kind: str


def cwl_plan(
    spec: dict[str, Any], parameters: dict[str, Any], options: dict[str, Any], workspace: Path, scratch: Path
) -> Plan:
    workflow = spec["workflow"].get("specification")
    if not isinstance(workflow, dict):
        raise ValueError(
            "The CWL specification is missing: send it packed (cwltool --pack), as reana-client does."
        )
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "workflow.cwl.json").write_text(json.dumps(_without_containers(workflow)))
    (scratch / "job.json").write_text(json.dumps(_absolute_locations(parameters, workspace)))
    command = [
        str(engines_bin() / "cwltool"),
        "--no-container",
        "--disable-color",
        "--outdir",
        str(workspace / "outputs"),
    ]
    if options.get("--target"):
        command += ["--target", str(options["--target"])]
    command += [str(scratch / "workflow.cwl.json"), str(scratch / "job.json")]
    return Plan(command=command, steps=cwl_steps(workflow), kind="cwl")


# --- Snakemake ----------------------------------------------------------------------------
def snakemake_plan(
    spec: dict[str, Any], parameters: dict[str, Any], options: dict[str, Any], workspace: Path, scratch: Path
) -> Plan:
    snakefile = spec["workflow"].get("file")
    if not isinstance(snakefile, str) or not (workspace / snakefile).is_file():
        raise ValueError(f"The Snakefile {snakefile} is not in the workspace: upload it first.")
    scratch.mkdir(parents=True, exist_ok=True)
    config = scratch / "config.json"
    config.write_text(json.dumps(parameters))
    command = [
        str(engines_bin() / "snakemake"),
        "--snakefile",
        str(workspace / snakefile),
        "--directory",
        str(workspace),
        "--configfile",
        str(config),
        "--cores",
        "1",
        "--nocolor",
        "--printshellcmds",
    ]
    return Plan(command=command, steps=[], kind="snakemake")


def plan(
    spec: dict[str, Any], parameters: dict[str, Any], options: dict[str, Any], workspace: Path, scratch: Path
) -> Plan:
    kind = spec["workflow"]["type"]
    if kind == "cwl":
        return cwl_plan(spec, parameters, options, workspace, scratch)
    return snakemake_plan(spec, parameters, options, workspace, scratch)


# --- reading the engines' logs ------------------------------------------------------------
CWL_STEP = re.compile(r"\[step ([^\]]+)\] (start|completed (\w+))")
SNAKEMAKE_RULE = re.compile(r"^(?:local)?rule (\S+):$")
SNAKEMAKE_JOBID = re.compile(r"^\s+jobid: (\d+)$")
SNAKEMAKE_DONE = re.compile(r"^Finished job (\d+)\.$")
SNAKEMAKE_ERROR = re.compile(r"^Error in rule (\S+):$")
SNAKEMAKE_TOTAL = re.compile(r"^total\s+(\d+)")


@dataclass
class Event:
    """What a log line says: a step started, finished or failed, or the number of jobs."""

    what: str  # "start" | "finished" | "failed" | "total" | "line"
    step: str = ""
    key: str = ""  # the engine's id for the job (Snakemake's jobid), when it has one
    total: int = 0


class LogReader:
    """Turns an engine's log lines into step events (stateful for Snakemake's multi-line records)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._rule: str | None = None

    def read(self, line: str) -> Event:
        text = line.rstrip("\n")
        if self.kind == "cwl":
            found = CWL_STEP.search(text)
            if not found:
                return Event("line")
            step = found.group(1).strip()
            if found.group(2) == "start":
                return Event("start", step)
            return Event("finished" if found.group(3) == "success" else "failed", step)
        if found := SNAKEMAKE_TOTAL.match(text):
            return Event("total", total=int(found.group(1)))
        if found := SNAKEMAKE_RULE.match(text):
            self._rule = found.group(1)
            return Event("line")
        if (found := SNAKEMAKE_JOBID.match(text)) and self._rule:
            rule, self._rule = self._rule, None
            return Event("start", rule, key=found.group(1))
        if found := SNAKEMAKE_DONE.match(text):
            return Event("finished", key=found.group(1))
        if found := SNAKEMAKE_ERROR.match(text):
            return Event("failed", found.group(1))
        return Event("line")


# --- rucio: true and voms_proxy: true, as REANA 0.9 sets them up ---------------------------
# reana-job-controller adds init containers to such a job; their environment is the user's
# env secrets. `reana-auth-rucio` 1.1.1 renders rucio.cfg from the template below with j2,
# which reads environment variables: RUCIO_CFG_* secrets change any field.
RUCIO_CFG_FIELDS = (
    ("client", "rucio_host", "RUCIO_HOST", ""),
    ("client", "auth_host", "AUTH_HOST", ""),
    ("client", "ca_cert", "CA_CERT", "/etc/pki/tls/certs/CERN-bundle.pem"),
    ("client", "auth_type", "AUTH_TYPE", "x509_proxy"),
    ("client", "username", "USERNAME", ""),
    ("client", "password", "PASSWORD", ""),
    ("client", "account", "ACCOUNT", ""),
    ("client", "client_x509_proxy", "CLIENT_X509_PROXY", "/vomsproxy_cache/x509up_proxy"),
    ("client", "request_retries", "REQUEST_RETRIES", "3"),
    ("policy", "permission", "POLICY_PERMISSION", "escape"),
    ("policy", "schema", "POLICY_SCHEMA", "escape"),
    ("policy", "lfn2pfn_algorithm_default", "POLICY_LFN2PFN_ALGORITHM_DEFAULT", "hash"),
    ("policy", "support", "POLICY_SUPPORT", "https://github.com/rucio/rucio/issues/"),
    ("policy", "support_rucio", "POLICY_SUPPORT_RUCIO", "https://github.com/rucio/rucio/issues/"),
)


def rucio_setup(secrets: dict[str, str], cache: Path, messages: list[str]) -> dict[str, str]:
    """`rucio: true`: rucio.cfg from the secrets VONAME and RUCIO_USERNAME (required), the
    Rucio hosts from RUCIO_RUCIO_HOST / RUCIO_AUTH_HOST (else derived from VONAME, as REANA
    does for CERN's VOs) and any RUCIO_CFG_* secret; the job gets RUCIO_CONFIG. Without
    VONAME or RUCIO_USERNAME REANA's init container prints an error and writes no config,
    and the job runs anyway: so here."""
    config = cache / "rucio.cfg"
    for required in ("VONAME", "RUCIO_USERNAME"):
        if not secrets.get(required):
            messages.append(f"[ERROR] Environment variable {required} is not set in user secrets.")
            return {"RUCIO_CONFIG": str(config)}
    vo = secrets["VONAME"]
    if vo == "atlas":
        host, auth = "https://voatlasrucio-server-prod.cern.ch", "https://voatlasrucio-auth-prod.cern.ch"
    else:
        host, auth = f"https://{vo}-rucio.cern.ch", f"https://{vo}-rucio-auth.cern.ch"
    values = {
        **{k.removeprefix("RUCIO_CFG_"): v for k, v in secrets.items() if k.startswith("RUCIO_CFG_")},
        "ACCOUNT": secrets["RUCIO_USERNAME"],
        "RUCIO_HOST": secrets.get("RUCIO_RUCIO_HOST", host),
        "AUTH_HOST": secrets.get("RUCIO_AUTH_HOST", auth),
    }
    lines, section = [], ""
    for part, key, name, default in RUCIO_CFG_FIELDS:
        if part != section:
            lines += ([""] if section else []) + [f"[{part}]"]
            section = part
        lines.append(f"{key} = {values.get(name, default)}")
    cache.mkdir(mode=0o700, parents=True, exist_ok=True)
    config.write_text("\n".join(lines) + "\n")
    return {"RUCIO_CONFIG": str(config)}


def voms_proxy_setup(secrets: dict[str, str], cache: Path, messages: list[str]) -> dict[str, str]:
    """`voms_proxy: true`: the user's proxy file secret named by VOMSPROXY_FILE (REANA's
    multi-user mode), else voms-proxy-init from the file secrets userkey.pem and usercert.pem
    with VOMSPROXY_PASS and VONAME, which the stand-in cannot run (no VOMS here)."""
    proxy = cache / "x509up_proxy"
    secret_dir = Path(secrets.get("REANA_SECRETS_DIR", "/nonexistent"))
    if name := secrets.get("VOMSPROXY_FILE"):
        if not (secret_dir / name).is_file():
            messages.append(f"[ERROR] VOMSPROXY_FILE {name} does not exist in user secrets.")
        else:
            cache.mkdir(mode=0o700, parents=True, exist_ok=True)
            proxy.write_bytes((secret_dir / name).read_bytes())
    else:
        for needed in ("userkey.pem", "usercert.pem"):
            if not (secret_dir / needed).is_file():
                messages.append(f"[ERROR] File {needed} does not exist in user secrets.")
                return {"X509_USER_PROXY": str(proxy)}
        for needed in ("VOMSPROXY_PASS", "VONAME"):
            if not secrets.get(needed):
                messages.append(f"[ERROR] Environment variable {needed} is not set in user secrets.")
                return {"X509_USER_PROXY": str(proxy)}
        messages.append("[REANA stand-in] voms-proxy-init is not available here: no VOMS proxy was made.")
    return {"X509_USER_PROXY": str(proxy)}
