"""The WIT folders guests are built against: a world file plus the WASI 0.2 or 0.3 packages from jco."""

from __future__ import annotations

from pathlib import Path

from portcheck import cache
from portcheck.engines.jco.package import wit_dir
from portcheck.errors import EnvironmentProblem
from portcheck.model.scenario import Kind

WORLD_FILE = Path(__file__).with_name("portcheck.wit")
WASI_VERSION = "0.2.12"  # the complete WASI 0.2 WIT the pinned jco ships
P3_WORLD_FILE = Path(__file__).with_name("portcheck_p3.wit")
P3_WASI_VERSION = "0.3.0"  # the WASI 0.3 WIT the pinned jco ships


def worlds_for(wasi: str) -> tuple[Path, str]:
    """The world file and WASI WIT version to build a guest for a scenario's `wasi` ("0.2" or "0.3")."""
    return (P3_WORLD_FILE, P3_WASI_VERSION) if wasi == "0.3" else (WORLD_FILE, WASI_VERSION)


def world_name(kind: Kind) -> str:
    return f"portcheck-{kind}"


def world_dir(world_file: Path = WORLD_FILE, wasi_version: str = WASI_VERSION) -> Path:
    """A WIT folder (the world file + `deps/`) in the cache, made once per world file, jco and version.

    The WASI packages are the ones the pinned jco ships; a toolchain whose runtime speaks an
    older 0.2.x (StarlingMonkey in componentize-js: 0.2.10) gets them re-versioned, since
    0.2.x releases are compatible and jco ships no complete older set.
    """
    shipped = P3_WASI_VERSION if wasi_version.startswith("0.3") else WASI_VERSION
    wasi = wit_dir(shipped)
    files = sorted(wasi.glob("*/*.wit"))
    contents = [part for file in files for part in (str(file.relative_to(wasi)), file.read_bytes())]
    key = cache.digest(world_file.read_bytes(), wasi_version, *contents)

    def assemble(temporary: Path) -> None:
        temporary.mkdir(parents=True)
        (temporary / world_file.name).write_bytes(world_file.read_bytes())
        for file in files:
            text = file.read_text(encoding="utf-8").replace(f"@{shipped}", f"@{wasi_version}")
            if wasi_version != shipped and shipped in text:
                raise EnvironmentProblem(f"{file}: {shipped} is left after re-versioning to {wasi_version}")
            target = temporary / "deps" / file.relative_to(wasi)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")

    return cache.artifact(cache.root() / "wit" / key, assemble)
