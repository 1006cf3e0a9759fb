"""`portcheck engines doctor`: two tiny known components, run on every engine of a matrix.

hello_client.wat prints one line; fixed_server.wat answers every request with 200 and a body.
Both are a few hundred bytes, so the doctor says within seconds what each engine can run.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from portcheck.console import first_line
from portcheck.model.report import ScenarioResult
from portcheck.model.scenario import Matrix, Scenario, ScriptedRequest

HERE = Path(__file__).resolve().parent
CLIENT_OUTPUT = "hello from wat\n"
SERVER_BODY = b"hello from a wat handler\n"


def doctor_matrix(matrix: Matrix) -> Matrix:
    """The matrix's engines, with the doctor's two scenarios instead of the matrix's own."""
    scenarios = (
        Scenario(
            name="doctor-client",
            kind="client",
            defined_in=HERE / "doctor.toml",
            source=HERE / "hello_client.wat",
        ),
        Scenario(
            name="doctor-server",
            kind="server",
            defined_in=HERE / "doctor.toml",
            source=HERE / "fixed_server.wat",
            requests=(ScriptedRequest("GET", "/"),),
        ),
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
