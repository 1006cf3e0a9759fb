"""GitHub Actions, run locally: each `run:` step's command for real, the actions around them simulated.

Enough of the runner to run action.yml and the workflows of docs/nightly.md on this machine:
`${{ }}` expressions over inputs, steps, matrix, github and runner; step conditions made of
`always()`, `!cancelled()`, `==`, `!=` and `&&`; $GITHUB_OUTPUT, $GITHUB_PATH and
$GITHUB_STEP_SUMMARY; bash as GitHub runs it. Of the `uses:` actions, upload-artifact and
download-artifact copy folders (a second artifact of one name fails, as on GitHub); checkout,
setup-python and the cache actions have nothing to do here. Anything else fails loudly, so a
workflow cannot use what this does not check.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
NOTHING_TO_DO = (
    "actions/checkout@",
    "actions/setup-python@",
    "actions/cache/restore@",
    "actions/cache/save@",
)
VENV = "portcheck-venv"


@dataclass
class Run:
    """A simulated workflow run: the repository the jobs check out, the artifacts they share."""

    folder: Path
    workspace: Path  # what actions/checkout gives every job
    action_path: Path  # a clean copy of this repository: the action's checkout
    action_ref: str  # how the workflows name the action (`OWNER/portcheck@REF`)
    artifacts: dict[str, Path] = field(default_factory=dict)
    installed: Path | None = None  # the first job's portcheck environment, reused by later jobs
    jobs: int = 0


@dataclass
class Job:
    run: Run
    name: str
    temp: Path
    context: dict[str, Any]  # matrix, inputs
    path: list[str] = field(default_factory=list)  # what steps added to $GITHUB_PATH
    summary: str = ""
    failed: bool = False
    logs: list[str] = field(default_factory=list)


@dataclass
class Step:
    outcome: str = "skipped"
    outputs: dict[str, str] = field(default_factory=dict)


def value(expression: str, context: dict[str, Any]) -> str:
    """One `${{ }}` expression: a property path, or a quoted literal."""
    if re.fullmatch(r"'[^']*'", expression):
        return expression[1:-1]
    current: Any = context
    parts = expression.split(".")
    for index, part in enumerate(parts):
        if isinstance(current, dict) and part not in current and parts[index - 1 : index] == ["outputs"]:
            return ""  # an output a step did not set is empty, as on GitHub
        if not isinstance(current, dict) or part not in current:
            raise ValueError(f"the local runner cannot evaluate {expression!r}")
        current = current[part]
    return "" if current is None else str(current)


def substitute(text: str, context: dict[str, Any]) -> str:
    return EXPRESSION.sub(lambda found: value(found.group(1), context), text)


def condition(text: str | None, context: dict[str, Any], failed: bool) -> bool:
    """`always()`, `!cancelled()` and comparisons joined by `&&`; without always(), earlier failures skip."""
    if text is None:
        return not failed
    inner = EXPRESSION.fullmatch(text.strip())
    terms = [term.strip() for term in (inner.group(1) if inner else text).split("&&")]
    status = any(term in ("always()", "!cancelled()") for term in terms)
    for term in terms:
        if term in ("always()", "!cancelled()"):
            continue
        found = re.fullmatch(r"(\S+)\s*(==|!=)\s*(\S+)", term)
        if not found:
            raise ValueError(f"the local runner cannot evaluate the condition {text!r}")
        left, right = value(found[1], context), value(found[3], context)
        if (left == right) != (found[2] == "=="):
            return False
    return status or not failed


def bash(job: Job, script: str, env: dict[str, str], outputs: dict[str, str]) -> bool:
    """One `run:` step, as GitHub runs `shell: bash`; its $GITHUB_OUTPUT lines become outputs."""
    files = {name: job.temp / f"{name.lower()}-{len(job.logs)}" for name in ("GITHUB_OUTPUT", "GITHUB_PATH")}
    files["GITHUB_STEP_SUMMARY"] = job.temp / f"summary-{len(job.logs)}"
    for path in files.values():
        path.write_text("")
    script_file = job.temp / f"step-{len(job.logs)}.sh"
    script_file.write_text(script)
    base = os.environ.get("PATH", "")
    environment = {
        **os.environ,
        **env,
        **{name: str(path) for name, path in files.items()},
        "PATH": os.pathsep.join([*reversed(job.path), str(Path(sys.executable).parent), base]),
        "GITHUB_ACTION_PATH": str(job.run.action_path),
        "GITHUB_WORKSPACE": str(job.run.workspace),
        "RUNNER_TEMP": str(job.temp),
        "RUNNER_OS": "Linux",
    }
    finished = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script_file)],
        cwd=job.run.workspace,
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    job.logs.append(f"$ {script}\n{finished.stdout}{finished.stderr}(exit {finished.returncode})")
    for line in files["GITHUB_OUTPUT"].read_text().splitlines():
        name, _, text = line.partition("=")
        outputs[name] = text
    job.path += files["GITHUB_PATH"].read_text().split()
    job.summary += files["GITHUB_STEP_SUMMARY"].read_text()
    return finished.returncode == 0


def upload(job: Job, inputs: dict[str, str]) -> dict[str, str]:
    name, source = inputs["name"], Path(inputs["path"])
    if not source.exists():  # if-no-files-found: warn
        return {}
    if name in job.run.artifacts:
        raise AssertionError(f"a second artifact named {name!r} in one run: GitHub refuses it")
    target = job.run.folder / "artifacts" / name
    shutil.copytree(source, target)
    job.run.artifacts[name] = target
    return {"artifact-url": target.as_uri()}


def download(job: Job, inputs: dict[str, str]) -> dict[str, str]:
    """With `pattern`, each artifact into a folder of its name under `path`, as download-artifact@v4 does."""
    folder = job.run.workspace / inputs["path"]
    for name, source in job.run.artifacts.items():
        if fnmatch.fnmatchcase(name, inputs["pattern"]):
            shutil.copytree(source, folder / name)
    return {"download-path": str(folder)}


def run_steps(job: Job, steps: list[dict[str, Any]], context: dict[str, Any]) -> None:
    """The steps of a job or of a composite action, with `context` (inputs, matrix, ...) for expressions."""
    results: dict[str, Step] = {}
    scope = {**context, "steps": results, "github": {"action_path": str(job.run.action_path)}}
    scope["runner"] = {"os": "Linux", "temp": str(job.temp)}
    for index, step in enumerate(steps):
        current = Step()
        results[step.get("id", f"step-{index}")] = current
        view = {**scope, "steps": {key: vars(item) for key, item in results.items()}}
        if not condition(step.get("if"), view, job.failed):
            continue
        given = {key: substitute(str(text), view) for key, text in (step.get("with") or {}).items()}
        succeeded = True
        if "run" in step:
            env = {key: substitute(str(text), view) for key, text in (step.get("env") or {}).items()}
            succeeded = bash(job, substitute(step["run"], view), env, current.outputs)
        elif step["uses"].startswith("actions/upload-artifact@"):
            current.outputs = upload(job, given)
        elif step["uses"].startswith("actions/download-artifact@"):
            current.outputs = download(job, given)
        elif step["uses"] in (job.run.action_ref, "./"):
            succeeded = run_action(job, given)
        elif not step["uses"].startswith(NOTHING_TO_DO):
            raise ValueError(f"the local runner does not know {step['uses']}")
        current.outcome = "success" if succeeded else "failure"
        job.failed |= not succeeded


def run_action(job: Job, given: dict[str, str]) -> bool:
    """The composite action with these inputs (the rest take their defaults)."""
    action = yaml.safe_load((job.run.action_path / "action.yml").read_text())
    unknown = set(given) - set(action["inputs"])
    assert not unknown, f"inputs the action does not have: {unknown}"
    inputs = {name: given.get(name, str(spec.get("default", ""))) for name, spec in action["inputs"].items()}
    before = job.failed
    job.failed = False
    run_steps(job, action["runs"]["steps"], {"inputs": inputs})
    failed, job.failed = job.failed, before or job.failed
    return not failed


def run_job(run: Run, name: str, definition: dict[str, Any], matrix: dict[str, str]) -> Job:
    run.jobs += 1
    temp = run.folder / "jobs" / f"{run.jobs}-{name}"
    temp.mkdir(parents=True)
    if run.installed is not None:  # a warm runner: the action's own check then skips pip install
        (temp / VENV).symlink_to(run.installed, target_is_directory=True)
    job = Job(run, name, temp, {"matrix": matrix})
    run_steps(job, definition["steps"], job.context)
    if run.installed is None and (temp / VENV / "bin" / "portcheck").exists():
        run.installed = temp / VENV
    return job


def run_workflow(run: Run, workflow: dict[str, Any]) -> dict[str, list[Job]]:
    """Every job in file order (`needs` must point back), a job matrix of one key expanded."""
    done: dict[str, list[Job]] = {}
    for name, definition in workflow["jobs"].items():
        needs = definition.get("needs", [])
        needed = [needs] if isinstance(needs, str) else needs
        failed = any(job.failed for need in needed for job in done[need])
        if not condition(definition.get("if"), {}, failed):
            done[name] = []
            continue
        grid = (definition.get("strategy") or {}).get("matrix") or {"": [""]}
        [(key, values)] = grid.items()
        done[name] = [run_job(run, name, definition, {key: item}) for item in values]
    return done
