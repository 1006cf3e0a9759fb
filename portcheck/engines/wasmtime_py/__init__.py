"""The wasmtime-py engine type: the wasmtime Python package's embedding API."""

from portcheck.engines.wasmtime_py.engine import WasmtimePy

__all__ = ["WasmtimePy"]
