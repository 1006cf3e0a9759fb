"""The engine types, by type name: the registry is the only list of them.

Adding an engine type is one folder beside these (with one class implementing
`interface.Engine`) and one line in `TYPES` below.
"""

from __future__ import annotations

from portcheck.engines.interface import Engine
from portcheck.engines.jco import Jco
from portcheck.engines.wasmtime import Wasmtime
from portcheck.engines.wasmtime_py import WasmtimePy
from portcheck.model.scenario import EngineSpec

TYPES: dict[str, type[Engine]] = {engine.type_name: engine for engine in (Wasmtime, WasmtimePy, Jco)}
# The columns of a matrix that names no engines of its own (`portcheck try`, `portcheck fuzz`).
DEFAULT_ENGINES = ("wasmtime", "jco")


def register(engine_type: type[Engine]) -> None:
    """Add an engine type defined outside this package (a plugin, a test)."""
    TYPES[engine_type.type_name] = engine_type


def create(spec: EngineSpec) -> Engine:
    return TYPES[spec.type](spec)
