"""A short seeded fuzz run on the real engines finds documented families, and found.toml reproduces them.

One run (both kinds: a looping client guest and a long-lived server) serves every assertion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import portcheck, run_json

pytestmark = pytest.mark.e2e

CASES = "25"  # per generator: the run takes well under a minute once the guests are built


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any], Path]:
    out = tmp_path_factory.mktemp("fuzz") / "out"
    finished = portcheck(
        "fuzz", "--generator", "client-messages", "--generator", "server-requests", "--cases", CASES,
        "--budget", "60", "--seed", "3", "--no-replay", "--output-dir", str(out), timeout=900,
    )  # fmt: skip
    return finished, json.loads((out / "fuzz.json").read_text()), out


def reproduced(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {bucket["signature"]: bucket for bucket in data["buckets"] if bucket["verified"] == "reproduced"}


def test_new_buckets_exit_1_and_fuzz_json_says_what_ran(fuzzed: tuple[Any, dict[str, Any], Path]) -> None:
    finished, data, _ = fuzzed
    assert finished.returncode == 1, finished.stderr
    assert data["seed"] == 3 and data["cases"] == 2 * int(CASES) and data["seconds"] > 0
    assert [engine["name"] for engine in data["engines"]] == ["wasmtime", "jco"]
    for bucket in data["buckets"]:
        assert {"signature", "count", "scenario", "engines", "verified"} <= set(bucket)


def test_it_finds_the_trailers_family_from_both_sides(fuzzed: tuple[Any, dict[str, Any], Path]) -> None:
    """jco gives an empty trailer list where wasmtime gives none (docs/findings.md:
    client-bodies-response-trailers, server-bodies-request-pieces)."""
    found = reproduced(fuzzed[1])
    assert found["stdout.trailers: none vs []"]["engines"] == {
        "jco": found["stdout.trailers: none vs []"]["count"]
    }
    assert "responses[*].body.trailers: none vs []" in found


def test_every_scenario_of_found_toml_diverges_with_portcheck_run(
    fuzzed: tuple[Any, dict[str, Any], Path],
) -> None:
    _, data, out = fuzzed
    text = (out / "found.toml").read_text()
    assert "builtin:guests_fuzz/" in text and "/cache" not in text
    finished, report = run_json(out / "found.toml")
    assert finished.returncode == 1, finished.stderr
    names = {bucket["name"] for bucket in reproduced(data).values()}
    assert {scenario["name"] for scenario in report["scenarios"]} == names
    assert all(scenario["verdict"] in ("diverges", "error") for scenario in report["scenarios"])
