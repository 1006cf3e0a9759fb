"""`portcheck cache`: where it is, what it holds, and emptying it."""

from __future__ import annotations

from typing import Annotated

import typer
from tabulate import tabulate

from portcheck import cache
from portcheck.cli.common import guard
from portcheck.console import say
from portcheck.errors import EXIT_PORTABLE, InputError

app = typer.Typer(help="portcheck's cache: built components, prepared artifacts, installed engines.")


@app.command("info")
def cache_info() -> None:
    """Where the cache is, and what each part of it holds."""
    with guard():
        root = cache.root()
        rows = [[part.name, entries, human(size)] for part, entries, size in cache.usage(root)]
        print(f"cache: {root}")
        print(tabulate(rows, headers=["part", "entries", "size"]) if rows else "(empty)")
    raise typer.Exit(EXIT_PORTABLE)


@app.command("clear")
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


def human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
