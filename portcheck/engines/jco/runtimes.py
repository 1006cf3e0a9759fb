"""The JavaScript runtimes a transpiled component runs on: Node, Bun or Deno, each pinned."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from portcheck import cache, provision
from portcheck.console import say
from portcheck.provision.node import node_binary, node_location, npm

RUNTIMES = ("node", "bun", "deno")
# Versions used when a matrix names a runtime without runtime_version (Node: the one portcheck
# depends on). Changing them is a deliberate change, like the jco lock file.
DEFAULT_VERSIONS = {"bun": "1.4.5", "deno": "2.9.8"}


def deno_location(version: str) -> Path:
    return provision.binary_location(f"deno-{version}")


def bun_location(version: str) -> Path:
    return cache.root() / "bun" / version / "node_modules" / "bun" / "bin" / "bun.exe"


def location(runtime: str, version: str | None) -> Path:
    match runtime:
        case "bun":
            return bun_location(str(version))
        case "deno":
            return deno_location(str(version))
    return node_location(version)


def install(runtime: str, version: str | None) -> Path:
    match runtime:
        case "bun":
            return bun_binary(str(version))
        case "deno":
            return deno_binary(str(version))
    return node_binary(version)


@functools.cache
def deno_binary(version: str) -> Path:
    """Deno from the `deno` package on PyPI."""
    return provision.wheel_executable(
        "deno", version, r"deno-[^/]+\.data/scripts/deno", deno_location(version)
    )


@functools.cache
def bun_binary(version: str) -> Path:
    """Bun from the `bun` package on npm (its platform binary comes as an optional dependency)."""
    target = bun_location(version).parents[3]

    def install_bun(temporary: Path) -> None:
        temporary.mkdir(parents=True)
        (temporary / "package.json").write_text(
            json.dumps({"private": True, "dependencies": {"bun": version}})
        )
        say(f"installing bun {version} with npm into {target} (first use only)")
        npm(temporary, "install", "--no-audit", "--no-fund", "--loglevel=error", what=f"bun {version}")

    cache.produce(target, install_bun)
    return bun_location(version)
