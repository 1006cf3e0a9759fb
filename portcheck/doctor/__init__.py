"""`portcheck engines doctor`: tiny known components, run on every engine of a matrix.

hello_client.wat prints one line; fixed_server.wat answers every request with 200 and a body.
Both are a few hundred bytes, so the doctor says within seconds what each engine can run. The
built-in feature scenarios (portcheck/scenarios/feature-*.toml, a few KB each) then say which
core wasm features each engine runs; they are information, not health.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from portcheck.console import first_line
from portcheck.matrix.builtins import builtin_scenarios
from portcheck.model.report import ScenarioResult
from portcheck.model.scenario import Matrix, Scenario, ScriptedRequest
from portcheck.reports.features import PREFIX

HERE = Path(__file__).resolve().parent
CLIENT_OUTPUT = "hello from wat\n"
SERVER_BODY = b"hello from a wat handler\n"


CLIENT, SERVER = "doctor-client", "doctor-server"


def doctor_matrix(matrix: Matrix) -> Matrix:
    """The matrix's engines, with the doctor's scenarios (its two, then the features) instead of its own."""
    features = [scenario for scenario in builtin_scenarios() if scenario.name.startswith(PREFIX)]
    scenarios = (
        Scenario(
            name=CLIENT,
            kind="client",
            defined_in=HERE / "doctor.toml",
            source=HERE / "hello_client.wat",
        ),
        Scenario(
            name=SERVER,
            kind="server",
            defined_in=HERE / "doctor.toml",
            source=HERE / "fixed_server.wat",
            requests=(ScriptedRequest("GET", "/"),),
        ),
        *features,
    )
    return dataclasses.replace(matrix, scenarios=scenarios, known=())


def diagnosis(result: ScenarioResult, engine: str) -> str:
    """`works`, `skipped: why`, or what went wrong, for one engine and one doctor scenario."""
    observation = result.observations[engine]
    if observation.skipped:
        return f"skipped: {observation.skipped}"
    if observation.failure:
        return f"fails: {observation.failure}: {first_line(observation.message)}"
    if result.kind == "client":
        works = observation.exit_code == 0 and observation.stdout == CLIENT_OUTPUT
        return (
            "works" if works else f"unexpected: exit {observation.exit_code}, stdout {observation.stdout!r}"
        )
    [exchange] = observation.exchanges
    if exchange.status == 200 and exchange.body == SERVER_BODY:
        return "works"
    return f"unexpected: {exchange.failure or exchange.status}"
