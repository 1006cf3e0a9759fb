"""An engine's flags, as a user types them, reach the commands that take them (no engines run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.engines import flags
from portcheck.engines.jco import Jco
from portcheck.engines.wasmtime import Wasmtime, engine
from portcheck.model.scenario import EngineSpec

# Parts of wasmtime 49's own `--help` for each command.
HELP = {
    "compile": "Options:\n  -O, --optimize <KEY[=VAL[,..]]>\n  -W, --wasm <KEY[=VAL[,..]]>\n"
    "  -o, --output <OUTPUT>\n",
    "run": "Options:\n  -O, --optimize <KEY[=VAL[,..]]>\n  -W, --wasm <KEY[=VAL[,..]]>\n"
    "      --allow-precompiled\n      --env <NAME[=VAL]>\n      --argv0 <ARGV0>\n",
    "serve": "Options:\n  -O, --optimize <KEY[=VAL[,..]]>\n  -W, --wasm <KEY[=VAL[,..]]>\n"
    "      --allow-precompiled\n      --max-instance-reuse-count <MAX_INSTANCE_REUSE_COUNT>\n"
    "  -H, --header <HEADER>\n",
}


def test_options_group_each_flag_with_its_values() -> None:
    given = ["-W", "gc=y", "--max-instance-reuse-count", "1", "--jco-map", "a=b", "c=d", "--jco-trace"]
    assert flags.options(given) == [
        ("-W", "gc=y"),
        ("--max-instance-reuse-count", "1"),
        ("--jco-map", "a=b", "c=d"),
        ("--jco-trace",),
    ]
    assert [flags.name(option) for option in flags.options(["-Wgc=y", "--wasm=gc=y"])] == ["-W", "--wasm"]


def test_help_texts_give_every_option_name() -> None:
    assert flags.help_options(HELP["serve"]) == {
        "-O",
        "--optimize",
        "-W",
        "--wasm",
        "--allow-precompiled",
        "--max-instance-reuse-count",
        "-H",
        "--header",
    }


@pytest.fixture
def recorded_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "command_options", lambda _binary, command: flags.help_options(HELP[command]))


def test_wasmtime_flags_reach_the_commands_that_take_them(recorded_help: None) -> None:
    given = ("-W", "gc=y", "--max-instance-reuse-count", "1", "--argv0", "x", "--bogus")
    wasmtime = Wasmtime(EngineSpec("w", "wasmtime", (("flags", given), ("compiler", "winch"))))
    winch = ["-C", "compiler=winch"]
    # A flag no command takes reaches all of them, so that wasmtime itself says what is wrong.
    assert wasmtime.flags("compile") == [*winch, "-W", "gc=y", "--bogus"]
    assert wasmtime.flags("run") == [*winch, "-W", "gc=y", "--argv0", "x", "--bogus"]
    assert wasmtime.flags("serve") == [*winch, "-W", "gc=y", "--max-instance-reuse-count", "1", "--bogus"]


def test_jco_serve_options_reach_servers_only(tmp_path: Path) -> None:
    given = ("--isolate-requests", "instance", "--jco-import-bindings", "hybrid")
    jco = Jco(EngineSpec("j", "jco", (("flags", given),)))
    assert jco.flags("server") == list(given)
    assert jco.flags("client") == ["--jco-import-bindings", "hybrid"]
    assert jco.cli_server("c.wasm", 8000, {})[0] == [
        "jco", "serve", *given, "--host", "127.0.0.1", "--port", "8000", "c.wasm",
    ]  # fmt: skip


def test_runtime_flags_reach_the_runtime_jco_starts() -> None:
    node = Jco(EngineSpec("j", "jco", (("runtime_flags", ("--experimental-wasm-jspi",)),)))
    assert node.cli_client("c.wasm", {"A": "1"}).env == {"A": "1", "JCO_RUN_ARGS": "--experimental-wasm-jspi"}
    deno = Jco(EngineSpec("j", "jco", (("runtime", "deno"),)))
    assert deno.cli_client("c.wasm", {}).env == {"JCO_RUN_PATH": "deno", "JCO_RUN_ARGS": "run --allow-all"}
