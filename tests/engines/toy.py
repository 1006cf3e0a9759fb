"""A toy engine type, defined outside portcheck: wasmtime's CLI under another type name.

It is everything a new engine type needs besides its registry line: a test registers it and
runs a matrix with it.
"""

from __future__ import annotations

from portcheck.engines.wasmtime import Wasmtime


class Toywasm(Wasmtime):
    type_name = "toywasm"
    summary = "wasmtime's CLI, renamed"
