"""`portcheck cache`: where it is, what it holds, keeping it small, and emptying it."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from tabulate import tabulate

from portcheck import cache
from portcheck.cache import prune as pruning
from portcheck.cli.common import guard, pinned_tools
from portcheck.console import say
from portcheck.errors import EXIT_PORTABLE, InputError

DAY = 86400.0
MAX_DAYS = 36500.0

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


@app.command("prune")
def cache_prune(
    older_than: Annotated[
        float | None, typer.Option("--older-than", metavar="DAYS", help="Remove entries unused for DAYS.")
    ] = None,
    max_size: Annotated[
        str | None,
        typer.Option(
            "--max-size", metavar="SIZE", help="Then the least recently used, down to SIZE (5G, 500M)."
        ),
    ] = None,
    matrix_path: Annotated[
        Path | None,
        typer.Option("--matrix", "-m", help="Keep the engines this matrix pins (default: ./matrix.toml)."),
    ] = None,
    engines: Annotated[
        bool, typer.Option("--engines", help="Remove pinned engines and toolchains too, if they qualify.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Say what would go, remove nothing.")] = False,
) -> None:
    """Remove the least recently used entries; with neither limit, keep it under the default cap.

    Built components and prepared artifacts are remade on demand. An engine or toolchain the
    matrix pins is never removed unless --engines is given.
    """
    with guard():
        days = check_days(older_than)
        size = check_size("--max-size", max_size) if max_size is not None else None
        if days is None and size is None:
            size = pruning.default_max_size()
        pinned = [] if engines else pinned_tools(pinned_matrix(matrix_path))
        chosen = pruning.choose(pruning.entries(cache.root()), days, size, pinned)
        freed = sum(entry.size for entry in chosen) if dry_run else pruning.remove(chosen)
        for entry in chosen:
            print(f"{'would remove' if dry_run else 'removed'} {entry.path} ({human(entry.size)})")
        say(
            f"{'would free' if dry_run else 'freed'} {human(freed)} in {len(chosen)} entries"
            if chosen
            else "nothing to remove"
        )
    raise typer.Exit(EXIT_PORTABLE)


def pinned_matrix(path: Path | None) -> Path | None:
    if path is not None:
        return path
    default = Path("matrix.toml")
    return default if default.is_file() else None


def check_days(days: float | None) -> float | None:
    if days is None:
        return None
    if not (math.isfinite(days) and 0 < days <= MAX_DAYS):
        raise InputError(
            "--older-than", str(days), f"expected a number of days above 0 and at most {MAX_DAYS:g}"
        )
    return days * DAY


def check_size(option: str, text: str) -> int:
    size = pruning.parse_size(text)
    if size is None or not 0 < size <= 1024**5:
        raise InputError(option, text, "expected a size above 0 and at most 1P, such as 5G, 500M or 2048K")
    return size


def human(size: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
