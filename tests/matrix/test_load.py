"""Bad input: one clear line naming file and key, exit code 2, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.errors import InputError
from portcheck.matrix import builtin_scenarios, load_matrix
from tests.conftest import data, portcheck

ONE_ENGINE = '[matrix]\nengines = ["wasmtime"]\n'
SCENARIO_A = '[[scenario]]\nname = "a"\n'
GOOD_SCENARIO = """
[[scenario]]
name = "hello"
kind = "client"
source = "hello_client.wat"
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "hello_client.wat").write_bytes((data("hello_client.wat")).read_bytes())
    path = tmp_path / "matrix.toml"
    path.write_text(text)
    return path


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as caught:
        load_matrix(write(tmp_path, text))
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[matrix\nengines = 1", "matrix.toml: invalid TOML"),
        ('[[scenario]]\nname = "x"', "matrix.toml: matrix: missing (expected a [matrix] table"),
        ("[matrix]\nengines = []\n" + GOOD_SCENARIO, "matrix.toml: matrix.engines: missing or empty"),
        (
            '[matrix]\nengines = ["wasmtime", "v8"]\n' + GOOD_SCENARIO,
            "matrix.toml: matrix.engines[1]: unknown engine 'v8' (known: wasmtime, wasmtime-py, jco; "
            "or define it in",
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\nbaseline = "jco"\n' + GOOD_SCENARIO,
            "matrix.toml: matrix.baseline: expected one of the engines (wasmtime), got 'jco'",
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\nengnes = 1\n' + GOOD_SCENARIO,
            "matrix.toml: matrix.engnes: unknown key",
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\n[[scenario]]\nname = "a"\nkind = "client"\n',
            'matrix.toml: scenario "a".component: expected exactly one of component = "x.wasm" or source',
        ),
        (
            ONE_ENGINE + SCENARIO_A + 'kind = "clint"\nsource = "hello_client.wat"\n',
            'matrix.toml: scenario "a".kind: expected "client" or "server", got \'clint\'',
        ),
        (
            ONE_ENGINE + SCENARIO_A + 'kind = "client"\ncomponent = "gone.wasm"\n',
            'matrix.toml: scenario "a".component: no such file',
        ),
        (
            ONE_ENGINE + SCENARIO_A + 'kind = "server"\nsource = "hello_client.wat"\n',
            'scenario "a".request: a server scenario needs at least one [[scenario.request]]',
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\n' + GOOD_SCENARIO + GOOD_SCENARIO,
            'matrix.toml: scenario "hello": name used twice',
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\nbuiltins = ["nope-*"]\n',
            "matrix.toml: matrix.builtins[0]: no built-in scenario matches 'nope-*'",
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\n' + GOOD_SCENARIO + '[scenario.normalize]\nstdout = ["("]\n',
            'matrix.toml: scenario "hello".normalize.stdout[0]: invalid regex',
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\n'
            + GOOD_SCENARIO
            + '[[scenario.origin.response]]\nheaders = [["a"]]\n',
            'scenario "hello".origin.response[0].headers[0]: expected a ["name", "value"] pair',
        ),
        (
            '[matrix]\nengines = ["wasmtime"]\n' + GOOD_SCENARIO + 'build = "make"\n',
            'scenario "hello".build: expected a command containing {output}',
        ),
        *[
            (
                f'[matrix]\nengines = ["wasmtime"]\ntimeout = {value}\n' + GOOD_SCENARIO,
                f"matrix.toml: matrix.timeout: expected a number above 0 and at most 3600, got {shown}",
            )
            for value, shown in [
                ("1e308", "1e+308"),
                ("inf", "inf"),
                ("nan", "nan"),
                ("0", "0"),
                ("-5", "-5"),
            ]
        ],
        (
            ONE_ENGINE + GOOD_SCENARIO + "timeout = 100000000000000000000000000000\n",
            'scenario "hello".timeout: expected a number above 0 and at most 3600, got 1' + "0" * 29,
        ),
        (
            ONE_ENGINE + GOOD_SCENARIO + f'env = {{ BIG = "{"b" * 131072}" }}\n',
            'scenario "hello".env.BIG: expected at most 131061 bytes (Linux\'s limit on one argument',
        ),
        (
            ONE_ENGINE + GOOD_SCENARIO + 'timeout = "5"\n',
            "scenario \"hello\".timeout: expected a number, got '5'",
        ),
    ],
)
def test_bad_matrix_names_file_and_key(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in problem(tmp_path, text)


def test_a_fuzz_matrix_may_name_engines_only(tmp_path: Path) -> None:
    """`portcheck fuzz matrix.toml` takes engines (and [[known]]) from it; its scenarios are only seeds."""
    path = tmp_path / "fuzz.toml"
    path.write_text('[matrix]\nengines = ["wasmtime", "fast"]\n[engines.fast]\ntype = "wasmtime"\n')
    matrix = load_matrix(path, scenarios_needed=False)
    assert ([e.name for e in matrix.engines], matrix.scenarios) == (["wasmtime", "fast"], ())
    assert "no scenarios" in problem(tmp_path, path.read_text())


def test_good_matrix_loads(tmp_path: Path) -> None:
    matrix = load_matrix(write(tmp_path, '[matrix]\nengines = ["wasmtime", "jco"]\n' + GOOD_SCENARIO))
    assert [engine.name for engine in matrix.engines] == ["wasmtime", "jco"]
    assert matrix.baseline == "wasmtime"
    assert matrix.scenarios[0].source == tmp_path / "hello_client.wat"


def test_builtins_cover_both_kinds() -> None:
    scenarios = builtin_scenarios()
    assert len(scenarios) >= 10
    assert {s.kind for s in scenarios} == {"client", "server"}
    assert all(s.description for s in scenarios)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[matrix\n", "invalid TOML"),
        ('[matrix]\nengines = ["wasmtime", "v8"]\n' + GOOD_SCENARIO, "unknown engine 'v8'"),
        (
            ONE_ENGINE + SCENARIO_A + 'kind = "client"\ncomponent = "gone.wasm"\n',
            "no such file",
        ),
    ],
)
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path: Path, text: str, expected: str) -> None:
    finished = portcheck("run", str(write(tmp_path, text)))
    assert finished.returncode == 2
    lines = finished.stderr.strip().splitlines()
    assert len(lines) == 1, finished.stderr
    assert "matrix.toml" in lines[0] and expected in lines[0]
    assert "Traceback" not in finished.stderr
    assert finished.stdout == ""


def test_cli_missing_matrix_file(tmp_path: Path) -> None:
    finished = portcheck("run", str(tmp_path / "nowhere.toml"))
    assert finished.returncode == 2
    assert finished.stderr.strip() == f"portcheck: {tmp_path / 'nowhere.toml'}: no such file"


def test_cli_unknown_format(tmp_path: Path) -> None:
    finished = portcheck(
        "run", str(write(tmp_path, '[matrix]\nengines = ["wasmtime"]\n' + GOOD_SCENARIO)), "-f", "pdf"
    )
    assert finished.returncode == 2
    assert "pdf: unknown format" in finished.stderr


def test_npm_failure_is_summarized_by_its_cause() -> None:
    from portcheck.provision.node import npm_reason

    output = (
        "npm error code ECONNREFUSED\nnpm error syscall connect\n"
        "npm error FetchError: request to http://r/x failed, reason: connect ECONNREFUSED\n"
        "npm error     at ClientRequest.<anonymous> (index.js:130:14)\n"
        "npm error A complete log of this run...\n"
    )
    assert npm_reason(output) == "FetchError: request to http://r/x failed, reason: connect ECONNREFUSED"
    assert npm_reason("npm error code E1\nnpm error other\n") == "code E1"


@pytest.mark.parametrize(
    ("tables", "problem"),
    [
        (
            '[engines.x]\ntype = "v8"\n',
            "matrix.toml: engines.x.type: expected one of wasmtime, wasmtime-py, jco, got 'v8'",
        ),
        (
            '[engines.x]\ntype = "jco"\nruntime = "quickjs"\n',
            "engines.x.runtime: expected one of 'node', 'bun', 'deno'",
        ),
        ('[engines.x]\ntype = "jco"\nversion = "1.0.0"\n', "engines.x.version: unknown key"),
        ('[engines.x]\ntype = "wasmtime"\ncompiler = "llvm"\n', "engines.x.compiler: expected one of"),
        (
            '[engines.x]\ntype = "jco"\nflags = ["--port=8080"]\n',
            "engines.x.flags: --port is set by portcheck itself; leave it out",
        ),
        (
            '[engines.x]\ntype = "wasmtime"\nversion = "latest!"\n',
            "engines.x.version: expected an exact version",
        ),
    ],
)
def test_engine_tables_are_validated(tmp_path: Path, tables: str, problem: str) -> None:
    assert problem in str(problem_of(tmp_path, '[matrix]\nengines = ["x"]\n' + GOOD_SCENARIO + tables))


def problem_of(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as caught:
        load_matrix(write(tmp_path, text))
    return str(caught.value)


def test_engine_tables_define_variants(tmp_path: Path) -> None:
    text = '[matrix]\nengines = ["lts", "bun", "jco"]\n' + GOOD_SCENARIO
    text += '[engines.lts]\ntype = "wasmtime"\nversion = "36.0.9"\ncompiler = "winch"\n'
    text += 'flags = ["-O", "opt-level=0"]\n'
    text += '[engines.bun]\ntype = "jco"\nruntime = "bun"\nruntime_version = "1.4.5"\n'
    lts, bun, jco = load_matrix(write(tmp_path, text)).engines
    assert lts.type == "wasmtime"
    assert dict(lts.options) == {"version": "36.0.9", "compiler": "winch", "flags": ("-O", "opt-level=0")}
    assert (bun.type, dict(bun.options)) == ("jco", {"runtime": "bun", "runtime_version": "1.4.5"})
    assert (jco.type, jco.options) == ("jco", ())


SERVER_A = ONE_ENGINE + SCENARIO_A + 'kind = "server"\nsource = "hello_client.wat"\n'
HELD = '[[scenario.origin.response]]\naction = "handshake"\n'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SERVER_A + '[[scenario.request]]\nhandshake = "body"\n',
            'request[0].handshake: needs an [[scenario.origin.response]] with action = "handshake"',
        ),
        (
            SERVER_A + "[[scenario.request]]\n" + HELD,
            'scenario "a".origin.response: action = "handshake" waits for a [[scenario.request]]',
        ),
        (
            SERVER_A + 'concurrent = true\n[[scenario.request]]\nhandshake = "end"\n' + HELD,
            'scenario "a".concurrent: handshakes confirm in order',
        ),
        (
            SERVER_A + '[[scenario.request]]\nhandshake = "soon"\n' + HELD,
            "scenario \"a\".request[0].handshake: expected one of 'head', 'body', 'end', got 'soon'",
        ),
        (
            SERVER_A + '[[scenario.request]]\nhost = "no"\n',
            'scenario "a".request[0].host: expected true or false',
        ),
    ],
)
def test_handshakes_and_host_are_checked(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in problem(tmp_path, text)


def test_requests_read_host_and_handshake(tmp_path: Path) -> None:
    text = SERVER_A + '[[scenario.request]]\nhost = false\nhandshake = "head"\n[[scenario.request]]\n' + HELD
    first, second = load_matrix(write(tmp_path, text)).scenarios[0].requests
    assert (first.host, first.handshake, second.host, second.handshake) == (False, "head", True, None)


def test_every_builtin_expectation_states_its_level() -> None:
    levels = {expectation.level for scenario in builtin_scenarios() for expectation in scenario.expected}
    assert levels <= {"must", "should", "may"} and "must" in levels and "should" in levels


def test_an_origin_may_record_its_requests_sorted(tmp_path: Path) -> None:
    origin = "[scenario.origin]\nsorted_requests = true\n[[scenario.origin.response]]\nstatus = 200\n"
    matrix = load_matrix(write(tmp_path, ONE_ENGINE + GOOD_SCENARIO + origin))
    assert matrix.scenarios[0].origin is not None and matrix.scenarios[0].origin.sorted_requests
    wrong = origin.replace("true", '"yes"')
    assert "sorted_requests" in problem(tmp_path, ONE_ENGINE + GOOD_SCENARIO + wrong)
