"""The pinned jco: package.json and package-lock.json in package/, installed with `npm ci`.

Besides the engine, the toolchains use what this jco ships: the WASI WIT packages.
"""

from __future__ import annotations

from pathlib import Path

from portcheck.errors import EnvironmentProblem
from portcheck.provision.node import LockedPackage

JCO = "@bytecodealliance/jco"
PREVIEW2_SHIM = "@bytecodealliance/preview2-shim"
PREVIEW3_SHIM = "@bytecodealliance/preview3-shim"  # what jco's WASI 0.3 transpilations import
PACKAGE = LockedPackage(Path(__file__).with_name("package"), "jco", JCO, first_use=", about 20 s")


def jco_script() -> Path:
    return PACKAGE.home / "node_modules" / JCO / "dist" / "jco.js"


def wit_dir(version: str) -> Path:
    """The WASI WIT packages of `version` that ship inside the pinned jco (installed if needed)."""
    home = PACKAGE.install()
    path = home / "node_modules" / JCO / "lib" / "wit" / "builtin" / version
    if not path.is_dir():
        raise EnvironmentProblem(f"the pinned jco has no WASI {version} WIT at {path}")
    return path
