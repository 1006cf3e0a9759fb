"""The `portcheck` command line.

Exit codes: 0 every scenario portable; 1 a scenario diverges or errors; 2 bad input;
3 an engine or tool could not be provisioned; 4 an internal error; 130 interrupted.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from portcheck import __version__, engines, procs
from portcheck.config import builtin_scenarios, load_matrix
from portcheck.errors import EXIT_DIVERGES, EXIT_INTERRUPTED, EXIT_PORTABLE, InputError, PortcheckError
from portcheck.reports import FORMATS
from portcheck.runner import run_matrix
from portcheck.verdict import EngineInfo, Report, judge

EXIT_INTERNAL = 4

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Run the same wasi:http WebAssembly component on several engines and diff what they do.",
)


def say(message: str) -> None:
    print(f"portcheck: {message}", file=sys.stderr, flush=True)


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Turn every way a command can end into one line on stderr and a documented exit code."""
    try:
        yield
    except PortcheckError as error:
        say(str(error))
        raise typer.Exit(error.exit_code) from None
    except (KeyboardInterrupt, procs.Interrupted):
        procs.kill_all()
        say("interrupted; every engine process was stopped")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    except typer.Exit:
        raise
    except Exception as error:  # a bug in portcheck: one line, the traceback on request
        if os.environ.get("PORTCHECK_DEBUG"):
            traceback.print_exc()
        say(f"internal error: {type(error).__name__}: {error} (set PORTCHECK_DEBUG=1 for the traceback)")
        raise typer.Exit(EXIT_INTERNAL) from None
    finally:
        procs.kill_all()


@app.command()
def run(
    matrix_path: Annotated[Path, typer.Argument(metavar="MATRIX", help="The matrix.toml to run.")],
    formats: Annotated[
        list[str] | None, typer.Option("--format", "-f", help="table or json; repeat for several.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the (single) report format to this file.")
    ] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Engine runs at once.")] = os.cpu_count()
    or 2,
) -> None:
    """Build every scenario once, run it on every engine, print the compatibility matrix."""
    with guard():
        code = run_matrix_command(matrix_path, formats or ["table"], output, jobs)
    raise typer.Exit(code)


def run_matrix_command(matrix_path: Path, chosen: list[str], output: Path | None, jobs: int) -> int:
    for name in chosen:
        if name not in FORMATS:
            raise InputError("--format", name, f"unknown format (expected one of: {', '.join(FORMATS)})")
    if output is not None and len(chosen) != 1:
        raise InputError("--output", str(output), "takes exactly one --format")
    matrix = load_matrix(matrix_path)
    columns = [engines.create(spec) for spec in matrix.engines]
    for engine in columns:
        say(f"{engine.name}: {engine.version()}")
    observed = run_matrix(matrix, columns, jobs, say)
    infos = [EngineInfo(engine.name, engine.spec.type, engine.version()) for engine in columns]
    report = judge(matrix, infos, observed)
    for name in chosen:
        write_report(report, name, output)
    return EXIT_PORTABLE if report.portable else EXIT_DIVERGES


def write_report(report: Report, format_name: str, output: Path | None) -> None:
    text = FORMATS[format_name]().render(report)
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(output, "--output", f"cannot write: {error.strerror or error}") from None
    say(f"wrote {format_name} report to {output}")


@app.command("builtins")
def list_builtins() -> None:
    """List the built-in scenarios (use them with builtins = ["*"] under [matrix])."""
    for scenario in builtin_scenarios():
        summary = scenario.description.strip().splitlines()[0] if scenario.description.strip() else ""
        print(f"{scenario.name:40} {scenario.kind:7} {summary}")


@app.command()
def version() -> None:
    """Print portcheck's version."""
    print(f"portcheck {__version__}")


def main() -> None:
    procs.install_handlers()
    app()
