"""Shared helpers: run the real `portcheck` command line as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from portcheck.engines.jco import Jco
from portcheck.engines.jco.package import jco_script
from portcheck.engines.wasmtime import Wasmtime
from portcheck.judge.normalize import with_placeholders
from portcheck.model.observation import Observation
from portcheck.model.scenario import EngineSpec
from portcheck.provision.node import node_binary

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
DOCTOR = ROOT / "portcheck" / "doctor"  # the tiny known components `portcheck engines doctor` runs


# The doctor's two tiny components as a matrix's scenarios (write_matrix copies the .wat files).
HELLO_CLIENT = """
[[scenario]]
name = "hello"
kind = "client"
source = "hello_client.wat"
"""
FIXED_SERVER = """
[[scenario]]
name = "fixed"
kind = "server"
source = "fixed_server.wat"
[[scenario.request]]
path = "/"
"""


def data(name: str) -> Path:
    """A test file: from tests/data, or one of the doctor's components."""
    return DATA / name if (DATA / name).exists() else DOCTOR / name


def make_component(source: str, output: Path, kind: str) -> Path:
    """A component built from a WAT file of tests/data with wasm-tools alone, as a user's compiler would."""
    subprocess.run(
        ["sh", str(DATA / "mkcomponent.sh"), str(data(source)), str(output)],
        # The user's environment (PORTCHECK_CACHE, HOME, npm's settings) with this venv's tools first.
        env=dict(os.environ, PORTCHECK_KIND=kind, PATH=f"{Path(sys.executable).parent}:/usr/bin:/bin"),
        check=True,
    )
    return output


def portcheck(*args: str, cwd: Path = ROOT, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """Run `python -m portcheck ARGS` in a child process and capture what it prints."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(
        [sys.executable, "-m", "portcheck", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_json(matrix: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Run a matrix with --format json and return the process and the parsed report."""
    output = matrix.parent / f"{matrix.stem}.report.json"
    finished = portcheck(
        "run", str(matrix), "--format", "json", "--output", str(output), *extra, cwd=matrix.parent
    )
    assert output.is_file(), finished.stderr
    return finished, json.loads(output.read_text())


def write_matrix(folder: Path, text: str, *data_files: str) -> Path:
    """A matrix.toml in `folder`, with the named files from tests/data beside it."""
    for name in data_files:
        (folder / name).write_bytes(data(name).read_bytes())
    matrix = folder / "matrix.toml"
    matrix.write_text(text)
    return matrix


def feature_table(text: str) -> dict[str, list[str]]:
    """The rows of a `--format features` table: feature -> [standard, one cell per engine]."""
    rows = {}
    for line in text.splitlines():
        if line.startswith("| `"):
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            rows[cells[0].strip("`")] = cells[1:]
    return rows


def scenario(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(item for item in report["scenarios"] if item["name"] == name)


def compared(report: dict[str, Any], name: str, engine: str) -> dict[str, Any]:
    """One engine's observation as the judge compared it: the run's ports replaced by placeholders."""
    raw = Observation.from_json(scenario(report, name)["observations"][engine])
    return with_placeholders(raw).to_json()


def without_clock(observation: Observation) -> Observation:
    """An observation as two runs of it can agree: ports as placeholders, no Date values, no timings."""
    normalized = with_placeholders(observation)
    normalized.seconds, normalized.endpoints = 0.0, []
    for exchange in normalized.exchanges:
        if exchange.headers is not None:
            exchange.headers = [
                (name, "<date>" if name.lower() == "date" else value) for name, value in exchange.headers
            ]
    return normalized


@pytest.fixture(scope="session")
def root_report(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """The repo-root matrix.toml (every built-in on wasmtime and jco), run once for the session."""
    return json_run(tmp_path_factory, "matrix.toml")


@pytest.fixture(scope="session")
def p3_report(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """matrices/p3.toml (the WASI 0.3 scenarios beside their 0.2 twins, every column), run once."""
    return json_run(tmp_path_factory, "matrices/p3.toml")


def json_run(
    tmp_path_factory: pytest.TempPathFactory, matrix: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """`portcheck run MATRIX --format json`: how it ended, and the report it wrote."""
    output = tmp_path_factory.mktemp(Path(matrix).stem) / "report.json"
    finished = portcheck("run", matrix, "--format", "json", "--output", str(output))
    assert output.is_file(), finished.stderr
    return finished, json.loads(output.read_text())


def wasmtime_binary(version: str | None = None) -> Path:
    """The wasmtime CLI portcheck runs (provisioned if needed), for running it by hand."""
    engine = Wasmtime(EngineSpec("wasmtime", "wasmtime", (("version", version),) if version else ()))
    engine.provision()
    return engine.binary


def jco_cli() -> list[str]:
    """`jco` as a person runs it: the pinned jco on the pinned Node (provisioned if needed)."""
    Jco(EngineSpec("jco", "jco")).provision()
    return [str(node_binary()), str(jco_script())]
