"""The WIT package portcheck's guests are built against: our two worlds plus WASI 0.2 from jco."""

from __future__ import annotations

import shutil
from pathlib import Path

from portcheck import cache
from portcheck.engines.jco.package import wit_dir
from portcheck.model.scenario import Kind

WORLD_FILE = Path(__file__).with_name("portcheck.wit")
WASI_VERSION = "0.2.12"


def world_name(kind: Kind) -> str:
    return f"portcheck-{kind}"


def world_dir() -> Path:
    """A WIT folder (`portcheck.wit` + `deps/`) in the cache, made once per world file and jco."""
    wasi = wit_dir(WASI_VERSION)
    packages = sorted(path for path in wasi.iterdir() if path.is_dir())
    key = cache.digest(WORLD_FILE.read_bytes(), *[(p / "package.wit").read_bytes() for p in packages])

    def assemble(temporary: Path) -> None:
        (temporary / "deps").mkdir(parents=True)
        shutil.copyfile(WORLD_FILE, temporary / WORLD_FILE.name)
        for package in packages:
            shutil.copytree(package, temporary / "deps" / package.name)

    return cache.produce(cache.root() / "wit" / key, assemble)
