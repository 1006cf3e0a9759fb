"""`portcheck repro`: a folder that reproduces a scenario without portcheck."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portcheck import engines
from portcheck.cli.common import guard, run_and_judge
from portcheck.console import say
from portcheck.errors import EXIT_PORTABLE
from portcheck.matrix import load_matrix, select
from portcheck.repro import write
from portcheck.toolchains import component_for


def repro(
    name: Annotated[str, typer.Argument(metavar="SCENARIO", help="The scenario to reproduce.")],
    engine: Annotated[str, typer.Option("--engine", "-e", help="The engine that diverges.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The folder to write.")],
    matrix_path: Annotated[Path, typer.Option("--matrix", "-m", help="The matrix that has it.")] = Path(
        "matrix.toml"
    ),
) -> None:
    """Write a folder that reproduces a scenario on an engine (and the baseline) without portcheck."""
    with guard():
        matrix = load_matrix(matrix_path)
        engines_wanted = list(dict.fromkeys([matrix.baseline, engine]))
        matrix = select(matrix, [name], engines_wanted)
        scenario = next(item for item in matrix.scenarios if item.name == name)
        component = component_for(scenario)
        report = run_and_judge(matrix, 2)
        write(output, scenario, component, [engines.create(spec) for spec in matrix.engines], report)
        say(f"wrote {output}: run `python3 {output / 'repro.py'}`")
    raise typer.Exit(EXIT_PORTABLE)
