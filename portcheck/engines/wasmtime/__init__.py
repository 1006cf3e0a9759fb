"""The wasmtime engine type: wasmtime's own CLI."""

from portcheck.engines.wasmtime.engine import Wasmtime

__all__ = ["Wasmtime"]
