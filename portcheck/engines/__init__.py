"""Engines by type name: one module per engine type behind engines/interface.py."""

from __future__ import annotations

from portcheck.config import EngineSpec
from portcheck.engines.interface import Engine
from portcheck.engines.jco import Jco
from portcheck.engines.wasmtime import Wasmtime
from portcheck.engines.wasmtime_py import WasmtimePy

ENGINE_TYPES: dict[str, type[Engine]] = {"wasmtime": Wasmtime, "wasmtime-py": WasmtimePy, "jco": Jco}


def create(spec: EngineSpec) -> Engine:
    return ENGINE_TYPES[spec.type](spec)
