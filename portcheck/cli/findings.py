"""`portcheck findings`: docs/findings.md from the repository's matrices, in one command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from portcheck.cli.common import DEFAULT_JOBS, JobsOption, OutputOption, guard, run_and_judge, write_file
from portcheck.console import say
from portcheck.errors import EXIT_PORTABLE
from portcheck.matrix import load_matrix
from portcheck.reports.findings import P3_MATRIX, Findings

DEFAULT_MATRICES = [Path("matrix.toml"), Path(P3_MATRIX)]


def findings(
    matrices: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[MATRIX]...", help="The matrices to run (default: matrix.toml matrices/p3.toml)."
        ),
    ] = None,
    output: OutputOption = None,
    jobs: JobsOption = DEFAULT_JOBS,
) -> None:
    """Run each matrix and write one findings document: the WASI 0.2 document, then the WASI 0.3 section.

    Each matrix renders as `run --format findings` renders it (a report with WASI 0.3 scenarios
    as its 0.3 section). Exits 0 once written: the divergences are the document's content.
    """
    with guard():
        paths = matrices or DEFAULT_MATRICES
        text = "".join(Findings().render(run_and_judge(load_matrix(path), jobs)) for path in paths)
        if output is None:
            sys.stdout.write(text)
        else:
            write_file(output, text)
            say(f"wrote the findings of {', '.join(map(str, paths))} to {output}")
    raise typer.Exit(EXIT_PORTABLE)
