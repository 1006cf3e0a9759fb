"""What every command shares: one line and an exit code for every way out, reports, the engines."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from portcheck import cache, engines, toolchains
from portcheck.cache import prune as pruning
from portcheck.console import debugging, say
from portcheck.engines.interface import Engine
from portcheck.errors import (
    EXIT_DIVERGES,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_PORTABLE,
    InputError,
    PortcheckError,
)
from portcheck.harness import processes
from portcheck.harness.runner import run_matrix
from portcheck.judge import judge
from portcheck.matrix import load_matrix
from portcheck.model.report import EngineInfo, Report
from portcheck.model.scenario import EngineSpec, Matrix
from portcheck.progress import Bar
from portcheck.reports import FORMATS


@contextlib.contextmanager
def guard() -> Iterator[processes.Children]:
    """Run a command with its own children; turn every way it can end into one line and an exit code."""
    with processes.Children.for_command() as children:
        try:
            yield children
        except PortcheckError as error:
            say(str(error))
            raise typer.Exit(error.exit_code) from None
        except (KeyboardInterrupt, processes.Interrupted):
            children.kill_all()
            say("interrupted; every engine process was stopped")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        except typer.Exit:
            raise
        except Exception as error:  # a bug in portcheck: one line, the traceback on request
            if debugging():
                traceback.print_exc()
            say(f"internal error: {type(error).__name__}: {error} (set PORTCHECK_DEBUG=1 for the traceback)")
            raise typer.Exit(EXIT_INTERNAL) from None


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
MatrixOption = Annotated[Path, typer.Option("--matrix", "-m", help="The matrix to use.")]
JobsOption = Annotated[int, typer.Option("--jobs", "-j", min=1, help="Engine runs at once.")]
DEFAULT_JOBS = os.cpu_count() or 2


def check_formats(chosen: list[str], output: Path | None) -> list[str]:
    for name in chosen:
        if name not in FORMATS:
            raise InputError("--format", name, f"unknown format (expected one of: {', '.join(FORMATS)})")
    if output is not None and len(chosen) != 1:
        raise InputError("--output", str(output), "takes exactly one --format (use --output-dir for several)")
    return list(dict.fromkeys(chosen))


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
    write_file(target, text)
    say(f"wrote {format_name} report to {target}")


def write_file(target: Path, text: str) -> None:
    """Write a report to --output (or --output-dir); one line and exit 2 if it cannot be written."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(target, "--output", f"cannot write: {error.strerror or error}") from None


def write_reports(report: Report, chosen: list[str], output: Path | None, output_dir: Path | None) -> int:
    """Every chosen format written; the exit status the report calls for (0 passes, 1 does not)."""
    for name in chosen:
        write_report(report, name, output, output_dir)
    return EXIT_PORTABLE if report.portable else EXIT_DIVERGES


def read_report(path: Path) -> Report:
    try:
        return Report.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise InputError(path, "", "no such file") from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise InputError(path, "", f"not a portcheck JSON report ({type(error).__name__}: {error})") from None


def provisioned_engines(matrix: Matrix) -> list[Engine]:
    """The matrix's engines, each installed if it is not yet, with its version said once."""
    columns = [engines.create(spec) for spec in matrix.engines]
    for engine in columns:
        engine.provision()
        say(f"{engine.name}: {engine.version()}")
    return columns


def run_and_judge(matrix: Matrix, jobs: int) -> Report:
    started = time.time()
    columns = provisioned_engines(matrix)
    bar = Bar(len(matrix.scenarios) * len(columns))
    observed = run_matrix(matrix, columns, jobs, say, bar.tick)
    infos = [
        EngineInfo(engine.name, engine.spec.type, engine.version(), engine.variant()) for engine in columns
    ]
    keep_cache_under_cap(columns, started)
    return judge(matrix, infos, observed)


def tools_of(columns: list[Engine]) -> list[Path]:
    """What the engines and every toolchain installed into the cache: pruning keeps these."""
    return [
        *(path for engine in columns for path in engine.cached_tools()),
        *(path for toolchain in toolchains.BY_SUFFIX.values() for path in toolchain().cached_tools()),
    ]


def pinned_tools(matrix_path: Path | None) -> list[Path]:
    """The tools a matrix's engines use (no matrix: the default engines'), and the toolchains'."""
    specs = (
        load_matrix(matrix_path).engines
        if matrix_path is not None
        else [EngineSpec(name, name) for name in engines.DEFAULT_ENGINES]
    )
    return tools_of([engines.create(spec) for spec in specs])


def keep_cache_under_cap(columns: list[Engine], started: float) -> None:
    """After a run, remove the least recently used artifacts beyond the cap (never this run's own)."""
    limit_text = os.environ.get(pruning.MAX_SIZE_VARIABLE)
    if limit_text is not None and pruning.parse_size(limit_text) is None:
        raise InputError(pruning.MAX_SIZE_VARIABLE, limit_text, "expected a size such as 5G or 500M")
    limit = pruning.default_max_size()
    found = pruning.entries(cache.root(), artifacts_only=True)
    if sum(entry.size for entry in found) <= limit:
        return
    chosen = pruning.choose(found, None, limit, tools_of(columns), started, artifacts_only=True)
    if chosen:
        freed = pruning.remove(chosen)
        say(
            f"the cache was over its {limit / 1024**3:.1f} GB cap ({pruning.MAX_SIZE_VARIABLE}): removed the "
            f"{len(chosen)} least recently used entries ({freed / 1024**2:.0f} MB; `portcheck cache prune`)"
        )
