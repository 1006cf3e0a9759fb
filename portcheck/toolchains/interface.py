"""The one small interface every guest toolchain implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from portcheck.model.scenario import DEFAULT_WASI, Kind


class Toolchain(ABC):
    """Turns a scenario's source into a `.component.wasm`."""

    name: str

    @abstractmethod
    def version(self) -> str:
        """The toolchain's exact version: part of the cache key of everything it builds."""

    def cached_tools(self) -> list[Path]:
        """What this toolchain installs into the cache on first use: `cache prune` keeps these."""
        return []

    def inputs(self, source: Path) -> list[Path]:
        """The files whose bytes decide the output (the cache key); by default the source alone."""
        return [source]

    @abstractmethod
    def build(self, source: Path, kind: Kind, output: Path, wasi: str = DEFAULT_WASI) -> None:
        """Write the component for `source` to `output`, for the kind's world of WASI `wasi`
        ("0.2" or "0.3"); raise BuildError with the tool's message."""
