"""`portcheck fuzz [MATRIX]`: differential fuzzing of the engines, buckets minimized into scenarios.

Exit codes: 0 nothing new (no bucket that reproduces and no [[known]] entry covers); 1 new
buckets (found.toml has them); 2 bad input; 3 an engine or tool could not be provisioned;
4 an internal error; 130 interrupted (what was found so far is written first).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from portcheck import engines
from portcheck.cli.common import DEFAULT_JOBS, guard, provisioned_engines
from portcheck.console import say
from portcheck.errors import EXIT_DIVERGES, EXIT_INTERRUPTED, EXIT_PORTABLE, InputError
from portcheck.fuzz import GENERATORS
from portcheck.fuzz.buckets import MAX_BUCKETS
from portcheck.fuzz.campaign import Tally
from portcheck.fuzz.known import from_matrix, read_known
from portcheck.fuzz.run import Plan, fuzz
from portcheck.matrix import load_matrix, select
from portcheck.matrix.toml import NUMBER_LIMIT
from portcheck.model.scenario import KINDS, EngineSpec, Matrix
from portcheck.toolchains.world import component_kind

DEFAULT_BUDGET = 60.0
KIND_GENERATOR = {"client": "client-messages", "server": "server-requests"}
GUESTS = ("python", "javascript")


def default_matrix(names: list[str]) -> Matrix:
    """No MATRIX: engines of these types with their defaults (wasmtime and jco unless named)."""
    chosen = names or list(engines.DEFAULT_ENGINES)
    for name in chosen:
        if name not in engines.TYPES:
            raise InputError(
                "--engine", name, f"unknown engine type (expected one of: {', '.join(engines.TYPES)})"
            )
    specs = tuple(EngineSpec(name, name) for name in dict.fromkeys(chosen))
    return Matrix(path=Path("."), engines=specs, baseline=specs[0].name, scenarios=())


def chosen_generators(names: list[str], kind: str | None) -> list[str]:
    if kind is not None:
        wanted = KIND_GENERATOR[kind]
        if names and names != [wanted]:
            raise InputError("--generator", ",".join(names), f"a {kind} component takes only {wanted}")
        return [wanted]
    for name in names:
        if name not in GENERATORS:
            raise InputError(
                "--generator", name, f"unknown generator (expected one of: {', '.join(GENERATORS)})"
            )
    return list(dict.fromkeys(names)) or list(GENERATORS)


class Shown:
    """A rich progress bar on a terminal; on anything else, nothing but the phase lines."""

    def __init__(self, budget: float | None, cases: int | None, generators: int) -> None:
        self.enabled = sys.stderr.isatty()
        self.progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.fields[line]}"),
            TimeRemainingColumn(),
            transient=True,
            disable=not self.enabled,
        )
        total = budget if budget is not None else float((cases or 1) * generators)
        self.by_time = budget is not None
        self.task = self.progress.add_task("fuzz", total=total, line="")
        self.started: float | None = None

    def __call__(self, tally: Tally) -> None:
        import time

        now = time.monotonic()
        self.started = self.started or now
        rate = tally.cases / max(now - self.started, 1e-6)
        done = now - self.started if self.by_time else float(tally.cases)
        line = f"{tally.cases} cases, {rate:.1f}/s, {tally.buckets} buckets"
        self.progress.update(
            self.task, completed=done, description=f"{tally.generator}: {tally.phase}", line=line
        )


def fuzz_command(
    matrix_path: Annotated[
        Path | None,
        typer.Argument(metavar="[MATRIX]", help="Engines, \\[\\[known]] entries and seed scenarios."),
    ] = None,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            min=1,
            max=NUMBER_LIMIT,
            help=f"Seconds for the whole run (default {DEFAULT_BUDGET:g}).",
        ),
    ] = None,
    cases: Annotated[
        int | None,
        typer.Option(
            "--cases",
            min=1,
            help="Generated cases per generator: a run that ends at the same case every time.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="The seed: the same seed gives the same cases.")] = 0,
    output_dir: Annotated[
        Path, typer.Option("--output-dir", help="Where fuzz.json, found.toml, found.md go.")
    ] = Path("fuzz-out"),
    engine_names: Annotated[
        list[str] | None, typer.Option("--engine", "-e", help="An engine; repeatable.")
    ] = None,
    generators: Annotated[
        list[str] | None,
        typer.Option("--generator", "-g", help=f"One of {', '.join(GENERATORS)}; repeatable."),
    ] = None,
    guest: Annotated[
        str, typer.Option("--guest", help="The generic guests' language: python or javascript.")
    ] = "python",
    component: Annotated[
        Path | None, typer.Option("--component", help="Fuzz your own component instead.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="client or server, for --component.")] = None,
    known_file: Annotated[
        Path | None, typer.Option("--known", help="\\[\\[known]] entries: classes not to report.")
    ] = None,
    replay: Annotated[
        bool, typer.Option("--replay/--no-replay", help="Replay the cases earlier runs saved (default: yes).")
    ] = True,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Generated cases run at once, each on its own engine processes; and engine runs at once "
            "while verifying.",
        ),
    ] = DEFAULT_JOBS,
) -> None:
    """Generate inputs, run each on every engine, bucket the differences, minimize each into a scenario."""
    with guard():
        if guest not in GUESTS:
            raise InputError("--guest", guest, f"expected one of: {', '.join(GUESTS)}")
        if kind is not None and kind not in KINDS:
            raise InputError("--kind", kind, 'expected "client" or "server"')
        if kind is not None and component is None:
            raise InputError("--kind", kind, "goes with --component")
        if component is not None:
            kind = component_kind(component, kind)
        matrix = (
            load_matrix(matrix_path, scenarios_needed=False)
            if matrix_path
            else default_matrix(engine_names or [])
        )
        if matrix_path:
            matrix = select(matrix, [], engine_names or [])
        known = from_matrix(matrix.known) + (read_known(known_file) if known_file else [])
        plan = Plan(
            specs=matrix.engines,
            baseline=matrix.baseline,
            generators=chosen_generators(generators or [], kind),
            seed=seed,
            budget=budget if budget is not None or cases is not None else DEFAULT_BUDGET,
            cases=cases,
            output=output_dir,
            guest=guest,
            component=component.resolve() if component else None,
            known=known,
            scenarios=tuple(s for s in matrix.scenarios if not s.builtin),
            strict_headers=matrix.strict_headers,
            replay=replay,
            jobs=jobs,
        )
        columns = provisioned_engines(matrix)
        shown = Shown(plan.budget, plan.cases, len(plan.generators))
        with shown.progress:
            outcome = fuzz(plan, columns, shown, say)
        summary(outcome, plan)
        code = (
            EXIT_INTERRUPTED
            if outcome.interrupted
            else EXIT_DIVERGES
            if outcome.reproduced
            else EXIT_PORTABLE
        )
    raise typer.Exit(code)


def summary(outcome, plan: Plan) -> None:  # type: ignore[no-untyped-def]
    tally = outcome.tally
    say(
        f"{tally.cases} cases ({tally.runs} runs with replays and shrinking), "
        f"{len(outcome.buckets.found)} bucket(s), {outcome.reproduced} reproduced with portcheck run"
    )
    for bucket in outcome.buckets.found.values():
        print(f"{bucket.verified:26} {bucket.count:6}  {bucket.signature}")
    for generator, past in outcome.buckets.dropped.items():
        say(
            f"{generator}: {len(past)} more signature(s) past its {MAX_BUCKETS} buckets, counted in "
            "fuzz.json's dropped, not kept: a [[known]] entry for a class above leaves room for others"
        )
    say(f"wrote {plan.output}/fuzz.json, found.toml, found.md")
