"""Run a wasi:cli/run component with the `wasmtime` Python package's embedding API.

portcheck's wasmtime-py engine starts this script with the `wasmtime` package (and nothing of
portcheck) on PYTHONPATH; a person can run it the same way after `pip install wasmtime==X`:

    python3 wasmtime_py_worker.py version
    python3 wasmtime_py_worker.py compile COMPONENT.wasm OUTPUT.cwasm
    python3 wasmtime_py_worker.py run [--precompiled] [--env=NAME=VALUE ...] COMPONENT

`run` gives the component exactly the --env variables, this process's stdin, stdout and stderr,
the WASI 0.2 worlds and outgoing wasi:http, like `wasmtime run -S http`. The exit status is the
guest's: 0 when `run` returns ok, 1 when it returns an error, N for wasi:cli/exit. When the
engine itself fails, the last line on stderr is `wasmtime-py: CLASS: MESSAGE` (CLASS is compile,
instantiate, trap or crash) and the status is ENGINE_FAILURE.
"""

from __future__ import annotations

import os
import sys
from importlib.metadata import version as package_version

# Nothing beside this script (a repro folder holds other files) may shadow the wasmtime package.
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [entry for entry in sys.path if os.path.abspath(entry or os.curdir) != HERE]

ENGINE_FAILURE = 125  # not a status a WASI guest normally chooses (exit-with-code is unstable)
RUN_INTERFACE = "wasi:cli/run@0.2."


class EngineFailure(Exception):
    def __init__(self, failure: str, message: str) -> None:
        super().__init__(message)
        self.failure = failure
        self.message = message


def fail(failure: str, message: str) -> int:
    sys.stderr.write(f"wasmtime-py: {failure}: {message.strip()}\n")
    sys.stderr.flush()
    return ENGINE_FAILURE


def compile_component(source: str, output: str) -> int:
    import wasmtime
    from wasmtime.component import Component

    try:
        component = Component.from_file(wasmtime.Engine(), source)
    except wasmtime.WasmtimeError as error:
        raise EngineFailure("compile", str(error)) from None
    with open(output, "wb") as handle:
        handle.write(component.serialize())
    return 0


def run_component(path: str, precompiled: bool, env: list[tuple[str, str]]) -> int:
    import wasmtime
    from wasmtime.component import Component, Linker

    engine = wasmtime.Engine()
    try:
        if precompiled:
            component = Component.deserialize_file(engine, path)
        else:
            component = Component.from_file(engine, path)
    except wasmtime.WasmtimeError as error:
        raise EngineFailure("compile", str(error)) from None

    config = wasmtime.WasiConfig()
    config.argv = [path]  # as `wasmtime run PATH` does
    config.env = env
    config.inherit_stdin()
    # What an embedder does: wasmtime's own stdout. Its Rust line buffer is never flushed at exit
    # in a Python host, so a last partial line the guest wrote without a flush is lost (the
    # wasmtime CLI flushes it): an engine difference portcheck should see, not hide.
    config.inherit_stdout()
    config.inherit_stderr()
    store = wasmtime.Store(engine)
    store.set_wasi(config)
    linker = Linker(engine)
    # Older packages have no wasi:http at all: then a component that imports it fails to link,
    # in wasmtime's words, and one that does not still runs.
    http = hasattr(store, "set_wasi_http") and hasattr(linker, "add_wasi_http")
    if http:
        store.set_wasi_http()
    try:
        linker.add_wasip2()
        if http:
            linker.add_wasi_http()
        instance = linker.instantiate(store, component)
    except wasmtime.WasmtimeError as error:
        raise EngineFailure("instantiate", str(error)) from None

    names = [name for name in component.type.exports(engine) if name.startswith(RUN_INTERFACE)]
    interface = instance.get_export_index(store, names[0]) if names else None
    index = instance.get_export_index(store, "run", interface) if interface is not None else None
    run = instance.get_func(store, index) if index is not None else None
    if run is None:
        raise EngineFailure(
            "instantiate", f"no exported instance named `{RUN_INTERFACE}x` with a `run` function"
        )

    try:
        result = run(store)
        run.post_return(store)
    except wasmtime.ExitTrap as exit_:
        return exit_.code
    except wasmtime.WasmtimeError as error:
        message = str(error)
        raise EngineFailure("trap" if "wasm trap" in message else "crash", message) from None
    return 0 if getattr(result, "tag", "ok") == "ok" else 1


def main(argv: list[str]) -> int:
    match argv:
        case ["version"]:
            print(package_version("wasmtime"))
            return 0
        case ["compile", source, output]:
            return compile_component(source, output)
        case ["run", *options, path] if all(o == "--precompiled" or o.startswith("--env=") for o in options):
            pairs = [
                option.removeprefix("--env=").partition("=")
                for option in options
                if option != "--precompiled"
            ]
            return run_component(
                path, "--precompiled" in options, [(name, value) for name, _, value in pairs]
            )
    sys.stderr.write(__doc__ or "")
    return 2


def entry() -> None:
    try:
        status = main(sys.argv[1:])
    except EngineFailure as failure:
        status = fail(failure.failure, failure.message)
    except Exception as error:  # the embedding itself failed: say so in one line, not a traceback
        status = fail("crash", f"{type(error).__name__}: {error}")
    sys.stdout.flush()
    sys.stderr.flush()
    # Skip interpreter teardown: nothing of the engine (its threads, its store) outlives the run.
    os._exit(status)


if __name__ == "__main__":
    entry()
