"""Command-line flags as a user types them, split into options so that each reaches the right command.

An engine's `flags` are written once per column, as after `wasmtime serve` or `jco serve`, but
an engine has several commands (compile and run and serve; run and serve), and not every
option belongs to each. Each option goes to the commands whose own `--help` lists it; one that
no command knows goes to all of them, so that the engine itself says what is wrong with it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

# An option in a `--help` text: `  -W, --wasm <KEY>` or `      --max-instance-reuse-count <N>`.
HELP_OPTION = re.compile(r"^\s{2,}(?:(-[A-Za-z0-9]),?\s+)?(--[A-Za-z0-9][\w-]*)", re.M)
SHORT_ONLY = re.compile(r"^\s{2,}(-[A-Za-z0-9])[\s,]", re.M)


def options(flags: Iterable[str]) -> list[tuple[str, ...]]:
    """The flags grouped into options: each `-x`/`--name` with the values that follow it."""
    grouped: list[list[str]] = []
    for word in flags:
        if word.startswith("-") or not grouped:
            grouped.append([word])
        else:
            grouped[-1].append(word)
    return [tuple(option) for option in grouped]


def name(option: tuple[str, ...]) -> str:
    """`--wasm=gc=y` and `--wasm` are `--wasm`; `-Wgc=y` and `-W` are `-W`."""
    first = option[0]
    if first.startswith("--"):
        return first.split("=", 1)[0]
    return first[:2] if first.startswith("-") else first


def help_options(help_text: str) -> frozenset[str]:
    """Every option name a command's `--help` lists, short and long."""
    found: set[str] = set()
    for match in HELP_OPTION.finditer(help_text):
        found.update(part for part in match.groups() if part)
    found.update(match.group(1) for match in SHORT_ONLY.finditer(help_text))
    return frozenset(found)


def routed(flags: Iterable[str], accepted: Collection[str], known_anywhere: Collection[str]) -> list[str]:
    """The flags one command gets: the options it accepts, and the ones no command knows."""
    kept: list[str] = []
    for option in options(flags):
        if name(option) in accepted or name(option) not in known_anywhere:
            kept.extend(option)
    return kept
