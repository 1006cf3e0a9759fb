"""A damaged cache is mended, never blamed on an engine: artifacts are checked before use.

A full disk, a half-restored CI cache or a killed copy leaves truncated files under their real
names. Each kind of artifact is damaged in turn (components, wasmtime's `.cwasm`, jco's
transpiled core modules); the next run must give the same verdicts and observations.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from portcheck.engines.jco import Jco
from portcheck.engines.wasmtime import Wasmtime
from portcheck.matrix import load_matrix
from portcheck.model.observation import Observation
from portcheck.model.scenario import EngineSpec
from portcheck.toolchains import component_for
from tests.conftest import FIXED_SERVER, HELLO_CLIENT, run_json, without_clock, write_matrix

pytestmark = pytest.mark.e2e

MATRIX = '[matrix]\nengines = ["wasmtime", "jco"]\n' + HELLO_CLIENT + FIXED_SERVER
ARTIFACTS = ("component", "cwasm", "transpiled")


def artifacts(matrix: Path, kind: str) -> list[Path]:
    """The files of one kind of artifact that running `matrix` uses, as the cache holds them."""
    scenarios = load_matrix(matrix).scenarios
    if kind == "component":
        return [component_for(scenario) for scenario in scenarios]
    if kind == "cwasm":
        wasmtime = Wasmtime(EngineSpec("wasmtime", "wasmtime"))
        return [wasmtime.artifact(component_for(scenario)) for scenario in scenarios]
    jco = Jco(EngineSpec("jco", "jco"))
    # A tiny component's core modules are inlined in component.js; larger ones sit beside it.
    folders = [jco.artifact(component_for(s), s.kind) for s in scenarios]
    return [file for folder in folders for file in [folder / "component.js", *folder.glob("*.core*.wasm")]]


def outcome(report: dict[str, Any]) -> dict[str, Any]:
    """What a user reads off a run: verdicts per cell, and what each engine was seen to do."""
    return {
        scenario["name"]: {
            engine: (cell["verdict"], without_clock(Observation.from_json(scenario["observations"][engine])))
            for engine, cell in scenario["cells"].items()
        }
        for scenario in report["scenarios"]
    }


@pytest.mark.parametrize("kind", ARTIFACTS)
def test_damaged_artifacts_are_made_again_and_the_verdicts_stay(tmp_path: Path, kind: str) -> None:
    matrix = write_matrix(tmp_path, MATRIX, "hello_client.wat", "fixed_server.wat")
    finished, first = run_json(matrix)
    assert finished.returncode == 0, finished.stderr
    files = artifacts(matrix, kind)
    assert len(files) >= 2 and all(file.is_file() for file in files), files
    for file in files:
        with file.open("r+b") as handle:  # as a full disk would leave it: cut short
            handle.truncate(max(file.stat().st_size // 2, 1))
        os.utime(file)
    finished, second = run_json(matrix)
    assert finished.returncode == 0, finished.stderr
    assert "cannot be trusted (its bytes no longer match the digest" in finished.stderr
    assert outcome(second) == outcome(first)
