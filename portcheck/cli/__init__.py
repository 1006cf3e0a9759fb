"""The `portcheck` command line: commands only; the work is done by the stages they call.

Exit codes: 0 every scenario portable; 1 a scenario diverges or errors; 2 bad input;
3 an engine or tool could not be provisioned; 4 an internal error; 130 interrupted.
"""

from __future__ import annotations

import typer

from portcheck import __version__
from portcheck.cli import cache, engines, findings, fuzz, repro, run, trial
from portcheck.harness import processes

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Run the same wasi:http WebAssembly component on several engines and diff what they do.",
)
app.command()(run.run)
app.command("try")(trial.try_component)
app.command()(run.show)
app.command()(repro.repro)
app.command()(run.merge)
app.command("builtins")(run.builtins)
app.command("fuzz")(fuzz.fuzz_command)
app.command()(findings.findings)
app.add_typer(engines.app, name="engines")
app.add_typer(cache.app, name="cache")


@app.command()
def version() -> None:
    """Print portcheck's version."""
    print(f"portcheck {__version__}")


def main() -> None:
    processes.install_handlers()
    app()
