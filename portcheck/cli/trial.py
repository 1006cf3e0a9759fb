"""`portcheck try COMPONENT`: one component on the engines, no matrix file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from portcheck import engines
from portcheck.cli.common import (
    DEFAULT_JOBS,
    FormatsOption,
    JobsOption,
    OutputDirOption,
    OutputOption,
    check_formats,
    guard,
    run_and_judge,
    write_reports,
)
from portcheck.console import say
from portcheck.errors import InputError
from portcheck.matrix.single import Trial, saved_text, trial_matrix
from portcheck.matrix.toml import NUMBER_LIMIT
from portcheck.model.scenario import KINDS
from portcheck.toolchains.world import component_kind, component_wasi

Repeated = list[str] | None
DEFAULTS = ", ".join(engines.DEFAULT_ENGINES)
ComponentArgument = Annotated[
    Path, typer.Argument(metavar="COMPONENT", help="A component exporting wasi:cli/run or wasi:http.")
]
EngineOption = Annotated[
    Repeated, typer.Option("--engine", "-e", help=f"An engine type; repeatable (default: {DEFAULTS}).")
]
RequestOption = Annotated[
    Repeated,
    typer.Option("--request", "-r", help='A server: send "METHOD /path?query"; repeatable (default GET /).'),
]
HeaderOption = Annotated[
    Repeated,
    typer.Option(
        "--header",
        "-H",
        help='"Name: value", repeatable, in order: on every request, or in the origin\'s answer.',
    ),
]
BodyOption = Annotated[
    str | None, typer.Option("--body", "-d", help="TEXT or @FILE: every request's body, or the origin's.")
]
RespondOption = Annotated[
    int | None,
    typer.Option("--respond", min=100, max=999, help="A client: the origin's status (default 200)."),
]
EnvOption = Annotated[Repeated, typer.Option("--env", help="NAME=VALUE for the component; repeatable.")]
KindOption = Annotated[
    str | None, typer.Option("--kind", help="client or server, for a component that exports both.")
]
TimeoutOption = Annotated[
    float | None,
    typer.Option("--timeout", min=0.001, max=NUMBER_LIMIT, help="Seconds per engine run (default 30)."),
]
SaveOption = Annotated[
    Path | None, typer.Option("--save", metavar="FILE.toml", help="Also write it as a matrix for `run`.")
]


def try_component(
    component: ComponentArgument,
    engine_names: EngineOption = None,
    requests: RequestOption = None,
    headers: HeaderOption = None,
    body: BodyOption = None,
    respond: RespondOption = None,
    env: EnvOption = None,
    kind: KindOption = None,
    timeout: TimeoutOption = None,
    save: SaveOption = None,
    formats: FormatsOption = None,
    output: OutputOption = None,
    output_dir: OutputDirOption = None,
    jobs: JobsOption = DEFAULT_JOBS,
) -> None:
    """Run one component on the engines and diff them: its kind comes from its exports, no matrix needed."""
    with guard():
        chosen = check_formats(formats or ["table"], output)
        wanted = next((name for name in KINDS if name == kind), None)
        if kind is not None and wanted is None:
            raise InputError("--kind", kind, 'expected "client" or "server"')
        trial = Trial(
            component=component,
            kind=component_kind(component, wanted),
            engines=tuple(engine_names or engines.DEFAULT_ENGINES),
            requests=tuple(requests or ()),
            headers=tuple(headers or ()),
            body=body,
            respond=respond,
            env=tuple(env or ()),
            timeout=timeout,
            wasi=component_wasi(component),
        )
        file = (save or Path("portcheck-try.toml")).absolute()
        if save is not None:
            make_folder(file.parent)  # before reading the paths the matrix holds relative to it
        matrix, document = trial_matrix(trial, file)
        if save is not None:
            write_matrix(file, saved_text(document, file))
        code = write_reports(run_and_judge(matrix, jobs), chosen, output, output_dir)
    raise typer.Exit(code)


def make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(folder, "--save", f"cannot make the folder: {error.strerror or error}") from None


def write_matrix(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InputError(path, "--save", f"cannot write: {error.strerror or error}") from None
    say(f"wrote the matrix to {path} (run it again with: portcheck run {path})")
