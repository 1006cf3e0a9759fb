"""`portcheck run`, `show`, `merge` and `builtins`: the matrix, one scenario, shards, the corpus."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from portcheck.cli.common import (
    DEFAULT_JOBS,
    FormatsOption,
    JobsOption,
    OutputDirOption,
    OutputOption,
    check_formats,
    guard,
    read_report,
    run_and_judge,
    write_reports,
)
from portcheck.errors import EXIT_DIVERGES, EXIT_PORTABLE, InputError
from portcheck.judge import merge as merge_reports
from portcheck.matrix import builtin_scenarios, load_matrix, select, shard
from portcheck.model.scenario import Matrix
from portcheck.reports.sides import side_by_side


def run(
    matrix_path: Annotated[Path, typer.Argument(metavar="MATRIX", help="The matrix.toml to run.")],
    formats: FormatsOption = None,
    output: OutputOption = None,
    output_dir: OutputDirOption = None,
    jobs: JobsOption = DEFAULT_JOBS,
    scenarios: Annotated[
        list[str] | None,
        typer.Option("--scenario", "-s", help="Only scenarios matching this glob; repeatable."),
    ] = None,
    engine_names: Annotated[
        list[str] | None, typer.Option("--engine", "-e", help="Only this engine; repeatable.")
    ] = None,
    list_only: Annotated[bool, typer.Option("--list", help="Show what would run, and stop.")] = False,
    shard_spec: Annotated[
        str | None,
        typer.Option("--shard", metavar="K/N", help="Run the K-th of N parts (for CI job matrices)."),
    ] = None,
) -> None:
    """Build every scenario once, run it on every engine, print the compatibility matrix."""
    with guard():
        chosen = check_formats(formats or ["table"], output)
        matrix = shard(select(load_matrix(matrix_path), scenarios or [], engine_names or []), shard_spec)
        if list_only:
            print_plan(matrix)
            code = EXIT_PORTABLE
        else:
            code = write_reports(run_and_judge(matrix, jobs), chosen, output, output_dir)
    raise typer.Exit(code)


def print_plan(matrix: Matrix) -> None:
    engines = ", ".join(
        f"{e.name}{' (baseline)' if e.name == matrix.baseline else ''}" for e in matrix.engines
    )
    print(f"engines: {engines}")
    for scenario in matrix.scenarios:
        print(f"{scenario.name:44} {scenario.kind}")
    print(f"{len(matrix.scenarios)} scenario(s) x {len(matrix.engines)} engine(s)")


def show(
    name: Annotated[str, typer.Argument(metavar="SCENARIO", help="The scenario to show.")],
    matrix_path: Annotated[Path, typer.Option("--matrix", "-m", help="The matrix that has it.")] = Path(
        "matrix.toml"
    ),
    report_path: Annotated[
        Path | None, typer.Option("--report", "-r", help="Read a --format json report instead of running.")
    ] = None,
    raw: Annotated[
        bool, typer.Option("--raw", help="Also print each engine's raw stdout and stderr.")
    ] = False,
) -> None:
    """Show one scenario's observations on every engine side by side, differences marked."""
    with guard():
        report = (
            read_report(report_path)
            if report_path
            else run_and_judge(select(load_matrix(matrix_path), [name], []), 1)
        )
        result = next((item for item in report.scenarios if item.name == name), None)
        if result is None:
            raise InputError(report_path or matrix_path, name, "no such scenario in this report")
        sys.stdout.write(side_by_side(report, result, raw))
    raise typer.Exit(EXIT_PORTABLE if result.verdict in ("portable", "known") else EXIT_DIVERGES)


def merge(
    reports: Annotated[
        list[Path], typer.Argument(metavar="REPORT...", help="--format json reports of shards.")
    ],
    formats: FormatsOption = None,
    output: OutputOption = None,
    output_dir: OutputDirOption = None,
    allow_partial: Annotated[
        bool,
        typer.Option(
            "--allow-partial", help="Merge even without every shard; the report says it is partial (exit 1)."
        ),
    ] = False,
) -> None:
    """Combine the JSON reports of every `run --shard K/N` job of one run into one report, in any format.

    Missing, repeated or foreign shards are refused (exit 2) unless --allow-partial.
    """
    with guard():
        chosen = check_formats(formats or ["table"], output)
        try:
            given = [read_report(path) for path in reports]
            report = merge_reports(given, [str(path) for path in reports], allow_partial)
        except ValueError as error:
            raise InputError(reports[0], "", str(error)) from None
        code = write_reports(report, chosen, output, output_dir)
    raise typer.Exit(code)


def builtins() -> None:
    """List the built-in scenarios (use them with builtins = ["*"] under [matrix])."""
    with guard():
        for scenario in builtin_scenarios():
            summary = scenario.description.strip().splitlines()[0] if scenario.description.strip() else ""
            print(f"{scenario.name:40} {scenario.kind:7} {summary}")
