"""WASI 0.3 without engines: `wasi` and `twin` in a matrix, who skips 0.3, the twin comparison, reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portcheck import engines
from portcheck.errors import InputError
from portcheck.judge import judge, merge
from portcheck.matrix import load_matrix
from portcheck.model.observation import Exchange, Observation
from portcheck.model.report import EngineInfo, Report
from portcheck.model.scenario import EngineSpec, Matrix
from portcheck.reports import FORMATS
from tests.conftest import ROOT, data

CLIENT = 'kind = "client"\nsource = "hello_client.wat"\n'
TWO = '[matrix]\nengines = ["wasmtime", "jco"]\n'


def load(tmp_path: Path, text: str) -> Matrix:
    (tmp_path / "hello_client.wat").write_bytes(data("hello_client.wat").read_bytes())
    path = tmp_path / "matrix.toml"
    path.write_text(TWO + text)
    return load_matrix(path)


def problem(tmp_path: Path, text: str) -> str:
    with pytest.raises(InputError) as caught:
        load(tmp_path, text)
    return str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f'[[scenario]]\nname = "a"\n{CLIENT}wasi = "0.4"\n',
            'matrix.toml: scenario "a".wasi: expected "0.2" or "0.3", got \'0.4\'',
        ),
        (
            f'[[scenario]]\nname = "a"\n{CLIENT}wasi = 0.3\n',
            'matrix.toml: scenario "a".wasi: expected "0.2" or "0.3", a string (wasi = "0.3"), got 0.3',
        ),
        (
            f'[[scenario]]\nname = "a"\n{CLIENT}twin = "b"\n',
            'matrix.toml: scenario "a".twin: only a wasi = "0.3" scenario names a twin',
        ),
        (
            f'[[scenario]]\nname = "a"\n{CLIENT}wasi = "0.3"\ntwin = "nope"\n',
            'matrix.toml: scenario "a".twin: expected the name of a wasi = "0.2" client scenario of this '
            "matrix, got 'nope' (no such scenario)",
        ),
        (
            f'[[scenario]]\nname = "a"\n{CLIENT}wasi = "0.3"\ntwin = "b"\n'
            f'[[scenario]]\nname = "b"\n{CLIENT}wasi = "0.3"\n',
            "got 'b' (a WASI 0.3 client scenario)",
        ),
    ],
)
def test_wasi_and_twin_are_checked(tmp_path: Path, text: str, expected: str) -> None:
    assert expected in problem(tmp_path, text)


def test_the_p3_matrix_loads_with_its_twins() -> None:
    matrix = load_matrix(ROOT / "matrices" / "p3.toml")
    by_name = {scenario.name: scenario for scenario in matrix.scenarios}
    paired = [scenario for scenario in matrix.scenarios if scenario.twin]
    assert len(paired) >= 10 and sum(1 for s in paired if s.kind == "server") >= 4
    for scenario in paired:
        assert scenario.wasi == "0.3" and by_name[scenario.twin].wasi == "0.2"
        assert all(expectation.level in ("must", "should", "may") for expectation in scenario.expected)


def engine(name: str, kind: str, **options: str) -> engines.Engine:
    return engines.create(EngineSpec(name, kind, tuple(options.items())))


@pytest.mark.parametrize(
    ("column", "runs_p3"),
    [
        (engine("wasmtime", "wasmtime"), True),
        (engine("wasmtime-lts", "wasmtime", version="36.0.9"), False),
        (engine("wasmtime-45", "wasmtime", version="45.0.2"), False),
        (engine("wasmtime-46", "wasmtime", version="46.0.1"), True),
        (engine("wasmtime-py", "wasmtime-py"), False),
        (engine("jco", "jco"), False),  # the default Node, 22: no JSPI
        (engine("jco-node24", "jco", runtime="node", runtime_version="24.19.0"), True),
        (engine("jco-deno", "jco", runtime="deno"), True),
        (engine("jco-bun", "jco", runtime="bun"), False),
    ],
)
def test_skip_reason_says_who_runs_wasi_03(tmp_path: Path, column: engines.Engine, runs_p3: bool) -> None:
    matrix = load(
        tmp_path, f'[[scenario]]\nname = "a"\n{CLIENT}wasi = "0.3"\n[[scenario]]\nname = "b"\n{CLIENT}'
    )
    p3, p2 = matrix.scenarios
    assert (column.skip_reason(p3) is None) is runs_p3
    assert column.skip_reason(p2) is None


def served(status: int, body: bytes, *headers: tuple[str, str]) -> Observation:
    return Observation("server", exchanges=[Exchange("GET /", status, "OK", list(headers), body, "chunked")])


P3_PAIR = """
[[scenario]]
name = "p2"
kind = "server"
source = "hello_client.wat"
[[scenario.request]]
path = "/"
[[scenario]]
name = "p3"
kind = "server"
source = "hello_client.wat"
wasi = "0.3"
twin = "p2"
[[scenario.request]]
path = "/"
"""


def pair_report(tmp_path: Path) -> Report:
    """wasmtime answers the same for both builds; jco drops a Set-Cookie in the 0.3 build only."""
    matrix = load(tmp_path, P3_PAIR)
    cookies = (("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"))
    observed = {
        "p2": {"wasmtime": served(200, b"ok", *cookies), "jco": served(200, b"ok", *cookies)},
        "p3": {"wasmtime": served(200, b"ok", *cookies), "jco": served(200, b"ok", cookies[1])},
    }
    infos = [EngineInfo("wasmtime", "wasmtime", "49"), EngineInfo("jco", "jco", "1.35.0")]
    return judge(matrix, infos, observed)


def test_a_twin_is_compared_per_engine_with_the_judges_diff(tmp_path: Path) -> None:
    report = pair_report(tmp_path)
    p3 = report.scenarios[1]
    assert p3.wasi == "0.3" and p3.twin is not None and p3.twin.name == "p2"
    assert p3.twin.cells["wasmtime"].verdict == "same"
    jco = p3.twin.cells["jco"]
    assert jco.verdict == "differs"
    assert [(d.field, d.baseline, d.engine) for d in jco.differences] == [
        ("responses[0].headers[set-cookie]", ["a=1", "b=2"], ["b=2"])
    ]
    data = json.loads(FORMATS["json"]().render(report))
    assert data["scenarios"][1]["wasi"] == "0.3"
    assert data["scenarios"][1]["twin"]["cells"]["jco"]["verdict"] == "differs"
    assert Report.from_json(data).scenarios[1].twin == p3.twin


def test_twins_show_in_every_human_format(tmp_path: Path) -> None:
    report = pair_report(tmp_path)
    for name in ("table", "markdown", "html", "findings"):
        rendered = FORMATS[name]().render(report)
        assert "WASI 0.2 against 0.3" in rendered, name
        assert "differs (1)" in rendered and "0.3 build" in rendered, name


def test_a_merge_compares_twins_that_ran_in_other_shards(tmp_path: Path) -> None:
    whole = pair_report(tmp_path)
    first, second = (Report(whole.baseline, whole.engines, [result]) for result in whole.scenarios)
    assert second.scenarios[0].twin is not None
    merged = merge([first, second], allow_partial=True)
    assert merged.scenarios[1].twin == whole.scenarios[1].twin


def test_a_skipped_side_is_unavailable_with_its_reason(tmp_path: Path) -> None:
    matrix = load(tmp_path, P3_PAIR)
    observed = {
        "p2": {"wasmtime": served(200, b"ok"), "jco": served(200, b"ok")},
        "p3": {"wasmtime": served(200, b"ok"), "jco": Observation("server", skipped="no JSPI")},
    }
    report = judge(
        matrix, [EngineInfo("wasmtime", "wasmtime", "49"), EngineInfo("jco", "jco", "1")], observed
    )
    cell = report.scenarios[1].twin.cells["jco"]  # type: ignore[union-attr]
    assert (cell.verdict, cell.reason) == ("unavailable", "the 0.3 build was skipped: no JSPI")


def test_a_javascript_guest_for_wasi_03_is_a_build_error_with_the_reason(tmp_path: Path) -> None:
    from portcheck.errors import BuildError
    from portcheck.toolchains.componentize_js import ComponentizeJs

    source = tmp_path / "server.js"
    source.write_text("addEventListener('fetch', (e) => e.respondWith(new Response('hi')));\n")
    with pytest.raises(BuildError, match=r"server.js: componentize-js 0.23.0 cannot build WASI 0.3 guests"):
        ComponentizeJs().build(source, "server", tmp_path / "out.wasm", "0.3")
