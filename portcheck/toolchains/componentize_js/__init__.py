"""JavaScript guests, built with a pinned componentize-js (StarlingMonkey) on the pinned Node.

componentize-js 0.23.0 is installed from `package/package-lock.json` with `npm ci` on first use.
Its StarlingMonkey speaks WASI 0.2.10, so the guest is built against `worlds.wit` with the WASI
WIT of the pinned jco re-versioned to 0.2.10 (see `wit.world_dir`).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from portcheck import cache, provision
from portcheck.engines.jco import package as jco_package
from portcheck.errors import BuildError
from portcheck.harness import processes
from portcheck.model.scenario import DEFAULT_WASI, Kind
from portcheck.provision.node import LockedPackage, node_binary
from portcheck.toolchains.interface import Toolchain
from portcheck.toolchains.wit import world_dir, world_name

HERE = Path(__file__).resolve().parent
PACKAGE = LockedPackage(
    HERE / "package", "componentize-js", "@bytecodealliance/componentize-js", first_use=", about 15 s"
)
DRIVER = HERE / "build.mjs"
WORLDS = HERE / "worlds.wit"
STARLINGMONKEY_WASI = "0.2.10"
SOURCE_SUFFIXES = (".js", ".mjs")
BUILD_TIMEOUT = 600.0
# Seen with the pinned componentize-js: a world exporting wasi:http/handler@0.3.0 or
# wasi:cli/run@0.3.0 makes its bindings generator panic, so a 0.3 guest is refused up front.
NO_WASI_03 = (
    "componentize-js 0.23.0 cannot build WASI 0.3 guests: its StarlingMonkey speaks WASI 0.2.10, "
    "and its bindings generator panics on a 0.3 world (spidermonkey-embedding-splicer bindgen.rs:867: "
    "internal error: entered unreachable code)"
)


@functools.cache
def pinned_identity() -> str:
    """The pinned version plus a digest of everything else that decides the output."""
    files = [
        DRIVER,
        WORLDS,
        PACKAGE.folder / "package-lock.json",
        jco_package.PACKAGE.folder / "package-lock.json",
    ]
    return f"{PACKAGE.pinned_version()}+{cache.digest(*[path.read_bytes() for path in files])[:12]}"


def modules_beside(source: Path) -> set[Path]:
    """The .js/.mjs files the source may import: its folder and subfolders, except node_modules."""
    folder = source.parent
    return {
        path
        for suffix in SOURCE_SUFFIXES
        for path in folder.rglob(f"*{suffix}")
        if not any(part == "node_modules" or part.startswith(".") for part in path.relative_to(folder).parts)
    }


class ComponentizeJs(Toolchain):
    name = "componentize-js"

    def cached_tools(self) -> list[Path]:
        return [PACKAGE.home]

    def version(self) -> str:
        return pinned_identity()

    def inputs(self, source: Path) -> list[Path]:
        return sorted({source, *modules_beside(source)})

    def build(self, source: Path, kind: Kind, output: Path, wasi: str = DEFAULT_WASI) -> None:
        if wasi != DEFAULT_WASI:
            raise BuildError(f"{source.name}: {NO_WASI_03}")
        home = PACKAGE.install()
        wit = world_dir(WORLDS, STARLINGMONKEY_WASI)
        argv = [
            str(node_binary()),
            str(DRIVER),
            str(home),
            str(wit),
            world_name(kind),
            source.name,
            str(output),
        ]
        with tempfile.TemporaryDirectory(prefix="portcheck-componentize-js-") as scratch:
            env = dict(provision.tool_env(), TMPDIR=scratch)
            finished = processes.run(argv, env=env, timeout=BUILD_TIMEOUT, cwd=source.parent)
        if finished.timed_out:
            raise BuildError(f"componentize-js timed out after {BUILD_TIMEOUT:.0f} s on {source.name}")
        if finished.returncode != 0:
            message = (finished.stderr + finished.stdout).decode("utf-8", "replace").strip()
            raise BuildError(
                f"componentize-js failed on {source.name}: {message or 'exit ' + str(finished.returncode)}"
            )
