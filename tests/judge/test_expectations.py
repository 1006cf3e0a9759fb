"""Expected answers from the spec: field paths, checks, and the per-engine outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.errors import InputError
from portcheck.judge.expectations import evaluate
from portcheck.matrix import load_matrix
from portcheck.model.observation import Observation
from portcheck.model.scenario import Expectation
from tests.model.test_fields import SERVER


def expect(field: str, check: str, value: object) -> Expectation:
    return Expectation(field=field, check=check, value=value, spec="RFC 0000 0")


@pytest.mark.parametrize(
    ("expectation", "outcome"),
    [
        (expect("responses[0].status", "equals", 200), "pass"),
        (expect("responses[0].status", "equals", 201), "fail"),
        (expect("responses[0].headers[set-cookie]", "contains", "b=2"), "pass"),
        (expect("responses[0].headers[set-cookie]", "not_contains", "a=1, b=2"), "pass"),
        (expect("responses[1].status", "one_of", [500, 502]), "fail"),
        (expect("origin.requests[0].target", "matches", r"^/x$"), "pass"),
        (expect("responses[1].status", "matches", r"5\d\d"), "fail"),
    ],
)
def test_checks(expectation: Expectation, outcome: str) -> None:
    result, [checked] = evaluate(SERVER, (expectation,))
    assert result == outcome and checked.holds is (outcome == "pass")


def test_no_expectations_or_nothing_run_gives_no_outcome() -> None:
    assert evaluate(SERVER, ()) == (None, [])
    failed = Observation(kind="client", failure="compile", message="CompileError")
    assert evaluate(failed, (expect("stdout", "equals", ""),)) == (None, [])
    trapped = Observation(kind="client", failure="trap", stdout="partial")
    assert evaluate(trapped, (expect("stdout", "equals", "full"),))[0] == "fail"


def test_one_failing_check_fails_the_cell() -> None:
    outcome, checked = evaluate(
        SERVER, (expect("responses[0].status", "equals", 200), expect("responses[0].body", "equals", "x"))
    )
    assert outcome == "fail" and [c.holds for c in checked] == [True, False]


def matrix_with(tmp_path: Path, expected: str) -> Path:
    (tmp_path / "c.wat").write_text("(module)")
    path = tmp_path / "matrix.toml"
    path.write_text(
        '[matrix]\nengines = ["wasmtime"]\n[[scenario]]\nname = "a"\nkind = "client"\nsource = "c.wat"\n'
        + expected
    )
    return path


def test_expected_is_read_from_the_matrix(tmp_path: Path) -> None:
    matrix = load_matrix(
        matrix_with(tmp_path, '[[scenario.expected]]\nfield = "stdout"\nequals = "x"\nspec = "s"\n')
    )
    assert matrix.scenarios[0].expected == (Expectation("stdout", "equals", "x", "s"),)


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('field = "stdout"\nequals = "x"\n', 'scenario "a".expected[0].spec: missing'),
        ('field = "stdot"\nequals = "x"\nspec = "s"\n', 'scenario "a".expected[0].field: expected a field'),
        ('field = "stdout"\nspec = "s"\n', "expected exactly one check"),
        ('field = "stdout"\nequals = "x"\ncontains = "y"\nspec = "s"\n', "expected exactly one check"),
        ('field = "stdout"\nmatches = "("\nspec = "s"\n', "invalid regex"),
    ],
)
def test_bad_expectations_name_the_key(tmp_path: Path, entry: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        load_matrix(matrix_with(tmp_path, "[[scenario.expected]]\n" + entry))
    assert problem in str(caught.value)
