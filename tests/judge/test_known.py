"""[[known]] divergences: accepted while they last, reported as stale once they are gone."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.errors import InputError
from portcheck.judge import judge
from portcheck.matrix import load_matrix
from portcheck.model.observation import Exchange, Observation
from portcheck.model.report import EngineInfo
from portcheck.model.scenario import EngineSpec, Known, Matrix, Scenario

ENGINES = [EngineInfo("wasmtime", "wasmtime", "1"), EngineInfo("jco", "jco", "1")]


def server(*cookies: str) -> Observation:
    headers = [("set-cookie", value) for value in cookies]
    return Observation(kind="server", exchanges=[Exchange("GET /", status=200, headers=headers, body=b"")])


def matrix(*known: Known) -> Matrix:
    scenarios = tuple(
        Scenario(name=n, kind="server", defined_in=Path("m.toml")) for n in ("cookies", "plain")
    )
    engines = (EngineSpec("wasmtime", "wasmtime"), EngineSpec("jco", "jco"))
    return Matrix(Path("m.toml"), engines, "wasmtime", scenarios, known=known)


OBSERVED = {
    "cookies": {"wasmtime": server("a=1", "b=2"), "jco": server("b=2")},
    "plain": {"wasmtime": server("a=1"), "jco": server("a=1")},
}


def test_without_known_the_divergence_fails_the_run() -> None:
    report = judge(matrix(), ENGINES, OBSERVED)
    assert report.scenarios[0].verdict == "diverges" and not report.portable


@pytest.mark.parametrize("field", [None, "responses[0].headers[set-cookie]", "responses[0]"])
def test_a_matching_known_entry_accepts_the_divergence(field: str | None) -> None:
    entry = Known("cookies", "jco", field, "jco keeps the last value", "https://example.com/1")
    report = judge(matrix(entry), ENGINES, OBSERVED)
    cell = report.scenarios[0].cells["jco"]
    assert (cell.verdict, cell.known, report.scenarios[0].verdict) == ("known", [entry], "known")
    assert cell.differences  # still reported
    assert report.portable and report.stale == []


def test_a_known_entry_for_another_field_does_not_hide_the_divergence() -> None:
    entry = Known("cookies", "jco", "responses[0].status", "status differs", "")
    report = judge(matrix(entry), ENGINES, OBSERVED)
    assert report.scenarios[0].cells["jco"].verdict == "differs"
    assert report.stale == [entry] and not report.portable


def test_a_known_entry_that_no_longer_diverges_is_stale() -> None:
    entry = Known("plain", "jco", None, "used to differ", "")
    report = judge(matrix(entry), ENGINES, OBSERVED)
    assert report.scenarios[1].verdict == "portable"
    assert report.stale == [entry] and not report.portable
    assert report.to_json()["stale_known"][0]["scenario"] == "plain"


def test_known_covers_an_error_cell() -> None:
    crashed = Observation(kind="server", failure="crash", message="boom")
    observed = {"cookies": {"wasmtime": server("a=1"), "jco": crashed}, "plain": OBSERVED["plain"]}
    report = judge(matrix(Known("cookies", "jco", "error", "jco crashes", "")), ENGINES, observed)
    assert report.scenarios[0].cells["jco"].verdict == "known" and report.portable


def test_known_entries_are_validated(tmp_path: Path) -> None:
    (tmp_path / "c.wat").write_text("(module)")
    base = '[matrix]\nengines = ["wasmtime", "jco"]\n'
    base += '[[scenario]]\nname = "a"\nkind = "client"\nsource = "c.wat"\n'
    path = tmp_path / "matrix.toml"
    path.write_text(base + '[[known]]\nscenario = "b"\nengine = "jco"\nreason = "r"\n')
    with pytest.raises(InputError, match=r"known\[0\]\.scenario: no scenario named 'b'"):
        load_matrix(path)
    path.write_text(base + '[[known]]\nscenario = "a"\nengine = "jco"\n')
    with pytest.raises(InputError, match=r"known\[0\]\.reason: missing"):
        load_matrix(path)
    path.write_text(
        base + '[[known]]\nscenario = "a"\nengine = "jco"\nfield = "stdout"\nreason = "r"\nlink = "u"\n'
    )
    assert load_matrix(path).known == (Known("a", "jco", "stdout", "r", "u"),)


def test_report_json_round_trip() -> None:
    from portcheck.model.report import Report

    entry = Known("cookies", "jco", None, "r", "")
    report = judge(matrix(entry, Known("plain", "jco", None, "gone", "")), ENGINES, OBSERVED)
    again = Report.from_json(report.to_json())
    assert again == report
