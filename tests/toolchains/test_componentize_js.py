"""JavaScript guests: componentize-js from its npm lock, built against the worlds at WASI 0.2.10.

The end-to-end tests build a user's client.js and fetch-event server.js with `source = "..."`
and run them on the real wasmtime and jco; a failing build is a `build` cell quoting
componentize-js.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from portcheck import toolchains
from portcheck.model.scenario import Kind, Scenario
from portcheck.toolchains.componentize_js import STARLINGMONKEY_WASI, WORLDS, ComponentizeJs
from portcheck.toolchains.wit import WASI_VERSION, world_dir
from tests.conftest import compared, portcheck, run_json, scenario, write_matrix

GUESTS = Path(__file__).resolve().parents[2] / "portcheck" / "scenarios" / "guests_js"
SERVER = """\
addEventListener('fetch', (event) => event.respondWith(new Response('hello')));
"""
# The built-in JavaScript guests, copied into a user's folder: the same inputs give the same
# cache key, so this shares the two builds of the root matrix's JavaScript twins.
USER_MATRIX = """\
[matrix]
engines = ["wasmtime", "jco"]

[[scenario]]
name = "client"
kind = "client"
source = "app/client_probes.js"
env = { PORTCHECK_PROBE = "repeated_response_headers" }
[[scenario.origin.response]]
headers = [["Set-Cookie", "a=1"], ["Set-Cookie", "b=2"]]
body = "from the origin"

[[scenario]]
name = "server"
kind = "server"
source = "app/server_probes.js"
env = { PORTCHECK_PROBE = "echo" }
timeout = 5
[[scenario.request]]
path = "/one"
[[scenario.request]]
path = "/two"
"""


def js_scenario(source: Path, kind: Kind = "client") -> Scenario:
    return Scenario(name="s", kind=kind, defined_in=source.parent / "m.toml", source=source)


def test_js_and_mjs_sources_use_the_pinned_componentize_js() -> None:
    assert toolchains.BY_SUFFIX[".js"] is ComponentizeJs and toolchains.BY_SUFFIX[".mjs"] is ComponentizeJs
    assert ComponentizeJs().version().startswith("0.23.0+")


def test_inputs_are_the_modules_the_source_can_import(tmp_path: Path) -> None:
    for name in (
        "server.js",
        "util.mjs",
        "lib/deep.js",
        "notes.txt",
        "node_modules/x/index.js",
        ".git/hook.js",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("// " + name)
    source = tmp_path / "server.js"
    found = [path.relative_to(tmp_path).as_posix() for path in ComponentizeJs().inputs(source)]
    assert found == ["lib/deep.js", "server.js", "util.mjs"]
    before = toolchains.build_key(ComponentizeJs(), js_scenario(source))
    (tmp_path / "lib" / "deep.js").write_text("export const changed = 1;")
    after = toolchains.build_key(ComponentizeJs(), js_scenario(source))
    (tmp_path / "node_modules" / "x" / "index.js").write_text("not a module the guest can import")
    assert after != before and toolchains.build_key(ComponentizeJs(), js_scenario(source)) == after
    assert toolchains.build_key(ComponentizeJs(), js_scenario(source, "server")) != after


@pytest.mark.e2e
def test_worlds_use_jco_wit_re_versioned_to_what_starlingmonkey_speaks() -> None:
    folder = world_dir(WORLDS, STARLINGMONKEY_WASI)
    texts = {path.relative_to(folder).as_posix(): path.read_text() for path in folder.rglob("*.wit")}
    assert "worlds.wit" in texts and "deps/wasi-http/package.wit" in texts
    assert "package wasi:http@0.2.10;" in texts["deps/wasi-http/package.wit"]
    assert not [name for name, text in texts.items() if WASI_VERSION in text]
    assert world_dir() != folder  # the Python guests keep jco's own 0.2.12


@pytest.mark.e2e
def test_a_users_client_and_fetch_event_server_run_on_both_engines(tmp_path: Path) -> None:
    shutil.copytree(GUESTS, tmp_path / "app")
    finished, report = run_json(write_matrix(tmp_path, USER_MATRIX))
    assert finished.returncode == 1, finished.stderr  # both diverge on jco today
    stdout = {engine: compared(report, "client", engine)["stdout"] for engine in ("wasmtime", "jco")}
    assert "status: 200\nset-cookie: a=1\nset-cookie: b=2\n" in stdout["wasmtime"]
    assert "status: 200\nset-cookie: a=1,b=2\n" in stdout["jco"]  # getSetCookie() gets one joined value
    wasmtime = compared(report, "server", "wasmtime")["exchanges"]
    assert [e["status"] for e in wasmtime] == [200, 200]
    assert [e["body"]["text"].splitlines()[:2] for e in wasmtime] == [
        ["method: GET", "path: /one"],
        ["method: GET", "path: /two"],
    ]
    # jco serve reuses one instance, and StarlingMonkey's fetch event answers once per instance.
    first, second = compared(report, "server", "jco")["exchanges"]
    assert first["status"] == 200 and first["body"] == wasmtime[0]["body"]
    assert second["status"] is None and second["failure"] in ("timeout", "no-response")


@pytest.mark.e2e
def test_failing_builds_are_build_cells_quoting_componentize_js(tmp_path: Path) -> None:
    (tmp_path / "main").mkdir()
    (tmp_path / "main" / "client.js").write_text(
        'export const run = {\n  async run() {\n    console.log("x"\n  },\n};\n'
    )
    (tmp_path / "sibling").mkdir()
    (tmp_path / "sibling" / "client.js").write_text(
        "import { helper } from './util.js';\nexport const run = { async run() { helper(); } };\n"
    )
    (tmp_path / "sibling" / "util.js").write_text("export function helper() {\n  return 1 +;\n}\n")
    matrix = write_matrix(
        tmp_path,
        '[matrix]\nengines = ["wasmtime"]\n'
        '[[scenario]]\nname = "main"\nkind = "client"\nsource = "main/client.js"\n'
        '[[scenario]]\nname = "sibling"\nkind = "client"\nsource = "sibling/client.js"\n',
    )
    finished, report = run_json(matrix)
    assert finished.returncode == 1 and "Traceback" not in finished.stderr
    cells = {name: scenario(report, name)["cells"]["wasmtime"] for name in ("main", "sibling")}
    assert {cell["error_class"] for cell in cells.values()} == {"build"}
    main = cells["main"]["error"]
    assert main.startswith(
        "build: componentize-js failed on client.js: failed to parse JS source, encountered [1] errors"
    )
    assert "x Expected `,` but found `}`" in main and "[client.js:4:3]" in main  # oxc's code frame
    assert "util.js:2:13 SyntaxError: expected expression, got ';'" in cells["sibling"]["error"]


@pytest.mark.e2e
def test_an_install_failure_is_one_line_and_exit_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTCHECK_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")  # nothing listens on the discard port
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    monkeypatch.setenv("npm_config_fetch_retries", "0")
    (tmp_path / "server.js").write_text(SERVER)
    matrix = write_matrix(
        tmp_path,
        '[matrix]\nengines = ["wasmtime"]\n'
        '[[scenario]]\nname = "s"\nkind = "server"\nsource = "server.js"\n[[scenario.request]]\npath = "/"\n',
    )
    finished = portcheck("run", str(matrix), cwd=tmp_path)
    assert finished.returncode == 3, finished.stderr
    last = finished.stderr.strip().splitlines()[-1]
    assert last.startswith("portcheck: could not install @bytecodealliance/componentize-js 0.23.0 with npm: ")
    assert "Traceback" not in finished.stderr
