"""`portcheck try`'s options as a matrix, and the matrix `--save` writes (no engine runs)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portcheck.errors import InputError
from portcheck.matrix import load_matrix
from portcheck.matrix.single import Trial, saved_text, scenario_name, trial_matrix
from portcheck.model.scenario import Kind, OriginResponse, ScriptedRequest

# Text a command line can carry: anything but lone surrogates (undecodable bytes) and NUL.
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\0"), max_size=30)
TOKEN = st.text(st.sampled_from("!#$%&'*+.^_`|~-abcXYZ019"), min_size=1, max_size=10)
NO_SPACE = st.text(st.characters(exclude_categories=("Cs", "Zs", "Zl", "Zp", "Cc")), max_size=20)
BLANK = " \t"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A component (its bytes do not matter here) and a body file, beside the matrix to save."""
    base = tmp_path_factory.mktemp("try")
    (base / "my comp.component.wasm").write_bytes(b"\0asm\x0d\x00\x01\x00")
    (base / "data").mkdir()
    (base / "data" / "body.bin").write_bytes(b"\xff\x00binary")
    return base


def header_values() -> st.SearchStrategy[str]:
    return TEXT.map(lambda value: value.strip(BLANK))


@settings(max_examples=60, deadline=None)
@given(
    names=st.lists(TOKEN, max_size=3),
    values=st.lists(header_values(), min_size=3, max_size=3),
    body=TEXT.filter(lambda text: not text.startswith("@")),  # @FILE names a file
    method=TOKEN,
    path=NO_SPACE.map(lambda rest: "/" + rest),
    env=st.dictionaries(TOKEN.filter(lambda name: name != "PORTCHECK_ORIGIN"), TEXT, max_size=3),
)
def test_the_saved_matrix_is_the_matrix_that_ran(
    folder: Path, names: list[str], values: list[str], body: str, method: str, path: str, env: dict[str, str]
) -> None:
    headers = [f"{name}:  {value}" for name, value in zip(names, values, strict=False)]
    trial = Trial(
        component=folder / "my comp.component.wasm",
        kind="server",
        requests=(f"{method} {path}", "GET /second"),
        headers=tuple(headers),
        body=body,
        env=tuple(f"{name}={value}" for name, value in env.items()),
    )
    file = folder / "saved" / "matrix.toml"
    matrix, document = trial_matrix(trial, file)
    text = saved_text(document, file)
    assert tomllib.loads(text) == document
    [scenario] = matrix.scenarios
    pairs = tuple(zip(names, values, strict=False))
    assert scenario.requests == (
        ScriptedRequest(method, path, pairs, body.encode()),
        ScriptedRequest("GET", "/second", pairs, body.encode()),
    )
    assert dict(scenario.env) == env
    assert scenario.component == (folder / "my comp.component.wasm").resolve()


def test_a_client_answer_keeps_repeated_headers_in_order_and_a_body_file(folder: Path) -> None:
    trial = Trial(
        component=folder / "my comp.component.wasm",
        kind="client",
        engines=("jco", "wasmtime", "jco"),
        headers=("Set-Cookie: a=1", "X-Order: first", "Set-Cookie: b=2"),
        body=f"@{folder / 'data' / 'body.bin'}",
        respond=404,
        timeout=5,
    )
    file = folder / "out" / "m.toml"
    file.parent.mkdir(exist_ok=True)
    matrix, document = trial_matrix(trial, file)
    file.write_text(saved_text(document, file))
    assert load_matrix(file) == matrix
    assert [engine.name for engine in matrix.engines] == ["jco", "wasmtime"] and matrix.baseline == "jco"
    assert matrix.timeout == 5 and matrix.scenarios[0].timeout == 5
    [scenario] = matrix.scenarios
    assert scenario.name == "my-comp"
    assert scenario.origin is not None
    assert scenario.origin.responses == (
        OriginResponse(
            404, (("Set-Cookie", "a=1"), ("X-Order", "first"), ("Set-Cookie", "b=2")), b"\xff\x00binary"
        ),
    )
    saved = file.read_text()
    assert saved.startswith("# The matrix `portcheck try` ran; `portcheck run m.toml` runs it again.")
    assert 'component = "../my comp.component.wasm"' in saved and 'body_file = "../data/body.bin"' in saved
    assert 'headers = [["Set-Cookie", "a=1"], ["X-Order", "first"], ["Set-Cookie", "b=2"]]' in saved


def test_a_server_without_requests_gets_one_get(folder: Path) -> None:
    trial = Trial(component=folder / "my comp.component.wasm", kind="server")
    matrix, _ = trial_matrix(trial, folder / "m.toml")
    assert matrix.scenarios[0].requests == (ScriptedRequest("GET", "/"),)
    assert [engine.name for engine in matrix.engines] == ["wasmtime", "jco"]


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("server", {"requests": ("GET",)}, '--request: GET: expected "METHOD /path?query"'),
        ("server", {"requests": ("G@T /",)}, '--request: G@T /: expected "METHOD /path?query"'),
        ("server", {"headers": ("no colon",)}, '--header: no colon: expected "Name: value"'),
        ("server", {"headers": (" X: 1",)}, '--header:  X: 1: expected "Name: value"'),
        ("server", {"respond": 404}, "--respond: 404: my comp.component.wasm is a server"),
        ("client", {"requests": ("GET /",)}, "--request: GET /: my comp.component.wasm is a client"),
        ("client", {"env": ("NOEQUALS",)}, "--env: NOEQUALS: expected NAME=VALUE"),
        ("client", {"env": ("PORTCHECK_ORIGIN=x",)}, "--env: PORTCHECK_ORIGIN=x: is set by portcheck"),
        ("client", {"engines": ("v8",)}, "--engine: v8: unknown engine type (expected one of: wasmtime"),
        ("client", {"body": "@missing.bin"}, "--body: @missing.bin: no such file: missing.bin"),
        ("client", {"headers": ("X: \udcff",)}, "--header: 'X: \\udcff': expected UTF-8 text"),
    ],
)
def test_bad_options_get_one_line_naming_the_option(
    folder: Path, kind: Kind, options: dict[str, Any], message: str
) -> None:
    trial = Trial(component=folder / "my comp.component.wasm", kind=kind, **options)
    with pytest.raises(InputError) as caught:
        trial_matrix(trial, folder / "m.toml")
    assert str(caught.value).startswith(message)


def test_scenario_names_come_from_the_file_name() -> None:
    assert scenario_name(Path("x/hello.component.wasm")) == "hello"
    assert scenario_name(Path("my server (v2).wasm")) == "my-server-v2-"
    assert scenario_name(Path("...wasm")) == "component"
