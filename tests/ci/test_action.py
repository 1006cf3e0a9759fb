"""action.yml and the workflows of docs/nightly.md: linted, then run locally (shards and merge too)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.ci.runner import Run, run_workflow
from tests.conftest import ROOT, data
from tests.e2e.test_cli import comparable

ACTION_REF = "OWNER/portcheck@REF"  # how docs/nightly.md names the action
TOOLS = Path(sys.executable).parent  # actionlint and shellcheck come from the test extras
MATRIX = """\
[matrix]
engines = ["wasmtime", "jco"]
builtins = ["server-head", "server-repeated-headers"]

[[scenario]]
name = "hello"
kind = "client"
source = "hello_client.wat"
"""


def documented_workflows() -> dict[str, str]:
    """The YAML blocks of docs/nightly.md, by workflow name."""
    text = (ROOT / "docs" / "nightly.md").read_text()
    blocks = re.findall(r"^```yaml\n(.*?)^```$", text, re.MULTILINE | re.DOTALL)
    return {yaml.safe_load(block)["name"]: block for block in blocks}


def action_as_workflow() -> dict[str, Any]:
    """The action's steps as a reusable workflow's job, so actionlint checks their expressions and shell."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    inputs = {
        name: {"type": "string", "required": False, "default": str(spec["default"])}
        for name, spec in action["inputs"].items()
    }
    outputs = {name: spec["value"] for name, spec in action["outputs"].items()}
    job = {"runs-on": "ubuntu-latest", "outputs": outputs, "steps": action["runs"]["steps"]}
    return {"name": "action steps", "on": {"workflow_call": {"inputs": inputs}}, "jobs": {"action": job}}


def lint(folder: Path, workflows: dict[str, str | dict[str, Any]]) -> subprocess.CompletedProcess[str]:
    """actionlint (with shellcheck) on these workflows, in a repository whose root holds action.yml."""
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    shutil.copyfile(ROOT / "action.yml", folder / "action.yml")  # `uses: ./` checks inputs against it
    (folder / ".github" / "workflows").mkdir(parents=True)
    for name, workflow in workflows.items():
        text = workflow if isinstance(workflow, str) else yaml.safe_dump(workflow, sort_keys=False)
        (folder / ".github" / "workflows" / f"{name}.yml").write_text(text.replace(ACTION_REF, "./"))
    command = [str(TOOLS / "actionlint"), "-shellcheck", str(TOOLS / "shellcheck")]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120)


def test_the_action_and_the_documented_workflows_pass_actionlint(tmp_path: Path) -> None:
    documented = documented_workflows()
    assert set(documented) == {"portcheck", "portcheck (sharded)", "portcheck (nightly)"}
    assert all(ACTION_REF in text for text in documented.values())
    assert f"```yaml\n{documented['portcheck (sharded)']}```" in (ROOT / "README.md").read_text()
    nightly = yaml.safe_load(documented["portcheck (nightly)"])
    files = nightly["jobs"]["nightly"]["strategy"]["matrix"]["file"]
    assert files == ["matrices/nightly.toml", "matrices/p3.toml"] and all((ROOT / f).is_file() for f in files)
    workflows = {
        "single": documented["portcheck"],
        "sharded": documented["portcheck (sharded)"],
        "nightly": documented["portcheck (nightly)"],
    }
    finished = lint(tmp_path, {**workflows, "action-steps": action_as_workflow()})
    assert (finished.returncode, finished.stdout, finished.stderr) == (0, "", "")


def test_actionlint_finds_mistakes(tmp_path: Path) -> None:
    """The check above can fail: an unknown input of the action, a shell mistake in one of its steps."""
    wrong_input = documented_workflows()["portcheck"].replace("matrix: matrix", "matrx: matrix")
    steps = action_as_workflow()
    steps["jobs"]["action"]["steps"][1]["run"] += "echo $venv\n"
    finished = lint(tmp_path, {"wrong-input": wrong_input, "action-steps": steps})
    assert finished.returncode == 1
    assert 'input "matrx" is not defined in action "portcheck"' in finished.stdout
    assert "SC2086" in finished.stdout


def clean_copy(target: Path) -> Path:
    """The repository as GitHub checks out the action: its files, none of the build or cache litter."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        if (ROOT / name).is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def new_run(folder: Path, action_path: Path, installed: Path | None = None) -> Run:
    workspace = folder / "workspace"
    workspace.mkdir(parents=True)
    (workspace / "matrix.toml").write_text(MATRIX)
    (workspace / "hello_client.wat").write_bytes(data("hello_client.wat").read_bytes())
    return Run(folder, workspace, action_path, ACTION_REF, installed=installed)


def report(run: Run, artifact: str) -> dict[str, Any]:
    return json.loads((run.artifacts[artifact] / "portcheck.json").read_text())


@pytest.mark.e2e
def test_the_documented_workflows_run_and_the_shards_merge_into_the_whole_run(tmp_path: Path) -> None:
    action_path = clean_copy(tmp_path / "action")
    workflows = {name: yaml.safe_load(text) for name, text in documented_workflows().items()}

    single = new_run(tmp_path / "single", action_path)
    [job] = run_workflow(single, workflows["portcheck"])["portcheck"]
    assert job.path == [str(job.temp / "portcheck-venv" / "bin")]  # the action's own portcheck ran
    assert job.failed, "\n".join(job.logs)  # server-repeated-headers diverges: exit status 1
    assert "::error::portcheck exited with status 1" in job.logs[-1]
    assert job.summary.startswith("## portcheck compatibility matrix")
    url = single.artifacts["portcheck-reports"].as_uri()
    assert f"Every report format: the [portcheck-reports]({url}) artifact." in job.summary
    whole = report(single, "portcheck-reports")
    assert [s["verdict"] for s in whole["scenarios"]] == ["portable", "diverges", "portable"]

    sharded = new_run(tmp_path / "sharded", action_path, single.installed)
    jobs = run_workflow(sharded, workflows["portcheck (sharded)"])
    assert [job.failed for job in jobs["shard"]] == [False, True, False, False]
    shards = [f"portcheck-reports-shard-{k}-of-4" for k in "1234"]
    assert sorted(sharded.artifacts) == ["portcheck-reports", *shards]
    assert report(sharded, shards[3])["scenarios"] == []  # 3 scenarios in 4 shards: the last is empty
    assert (
        "1 scenarios (shard 2/4 of a run of 3): 0 portable, 0 known to diverge, 1 diverge"
        in jobs["shard"][1].summary
    )
    [merge] = jobs["merge"]
    assert merge.failed and "::error::portcheck exited with status 1" in merge.logs[-1]
    assert comparable(report(sharded, "portcheck-reports")) == comparable(whole)
    merged_summary = (sharded.artifacts["portcheck-reports"] / "portcheck.summary.md").read_text()
    assert merged_summary == (single.artifacts["portcheck-reports"] / "portcheck.summary.md").read_text()

    crashed = new_run(tmp_path / "crashed", action_path, single.installed)  # shard 2's job died
    crashed.artifacts = {name: sharded.artifacts[name] for name in shards if name != shards[1]}
    merge_job = workflows["portcheck (sharded)"]["jobs"]["merge"]
    merge_only = {key: value for key, value in merge_job.items() if key != "needs"}
    [merge] = run_workflow(crashed, {"jobs": {"merge": merge_only}})["merge"]
    assert merge.failed and "::error::portcheck exited with status 2" in merge.logs[-1]
    missing = "portcheck: missing shard 2/4 (the reports hold 2 of the run's 3 scenarios)"
    assert any(missing in log for log in merge.logs)
    assert "portcheck wrote no report (exit status 2)" in merge.summary
