"""A component's kind, read from its exports with the pinned wasm-tools (no engine runs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck import provision
from portcheck.errors import InputError
from portcheck.harness import processes
from portcheck.toolchains import world
from portcheck.toolchains.world import component_kind, exported_interfaces
from tests.conftest import data, make_component


def wat_component(text: str, output: Path) -> Path:
    source = output.with_suffix(".wat")
    source.write_text(text)
    finished = processes.run(
        [str(provision.wasm_tools_binary()), "parse", str(source), "-o", str(output)], {}, 60
    )
    assert finished.returncode == 0, finished.stderr
    return output


def test_a_client_and_a_server_built_with_wasm_tools(tmp_path: Path) -> None:
    client = make_component("hello_client.wat", tmp_path / "client.wasm", "client")
    server = make_component("fixed_server.wat", tmp_path / "server.wasm", "server")
    assert exported_interfaces(client) == ["wasi:cli/run"]
    assert exported_interfaces(server) == ["wasi:http/incoming-handler"]
    assert (component_kind(client), component_kind(server)) == ("client", "server")
    with pytest.raises(InputError, match=r"--kind: client: .*server.wasm does not export wasi:cli/run"):
        component_kind(server, "client")


def test_what_is_not_a_client_or_a_server_gets_one_line(tmp_path: Path) -> None:
    empty = wat_component("(component)", tmp_path / "empty.wasm")
    core = wat_component("(module)", tmp_path / "core.wasm")
    cases = {
        empty: "exports neither wasi:cli/run (a client) nor wasi:http/incoming-handler or "
        "wasi:http/handler (a server); "
        "it exports nothing",
        core: "it is a core WebAssembly module, not a component",
        data("not_a_component.wasm"): "it is not a WebAssembly binary",
        tmp_path / "missing.wasm": "no such file",
    }
    for path, message in cases.items():
        with pytest.raises(InputError) as caught:
            component_kind(path)
        assert str(caught.value).startswith(f"{path}: {message}")


def test_a_component_exporting_both_needs_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    both = ["wasi:cli/run", "wasi:http/incoming-handler"]
    monkeypatch.setattr(world, "exported_interfaces", lambda _path: both)
    with pytest.raises(InputError, match="exports both wasi:cli/run and wasi:http/incoming-handler: choose"):
        component_kind(Path("both.wasm"))
    assert component_kind(Path("both.wasm"), "server") == "server"
