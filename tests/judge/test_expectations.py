"""Expected answers from the spec: field paths, checks, levels, and the per-engine outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.errors import InputError
from portcheck.judge.expectations import evaluate
from portcheck.matrix import load_matrix
from portcheck.model.observation import Observation
from portcheck.model.report import Cell
from portcheck.model.scenario import Expectation
from tests.model.test_fields import SERVER


def expect(field: str, check: str, value: object, level: str = "must") -> Expectation:
    return Expectation(field=field, check=check, value=value, spec="RFC 0000 0", level=level)


@pytest.mark.parametrize(
    ("expectation", "outcome"),
    [
        (expect("responses[0].status", "equals", 200), "pass"),
        (expect("responses[0].status", "equals", 201), "fail"),
        (expect("responses[0].headers[set-cookie]", "contains", "b=2"), "pass"),
        (expect("responses[0].headers[set-cookie]", "not_contains", "a=1, b=2"), "pass"),
        (expect("responses[1].body", "not_contains", "x"), "pass"),  # no body contains nothing
        (expect("responses[0].body", "not_contains", ""), "fail"),
        (expect("responses[1].status", "one_of", [500, 502]), "fail"),
        (expect("origin.requests[0].target", "matches", r"^/x$"), "pass"),
        (expect("responses[1].status", "matches", r"5\d\d"), "fail"),
        # absent: null, an item that does not exist, a header name without lines
        (expect("responses[1].status", "absent", True), "pass"),
        (expect("responses[5].status", "absent", True), "pass"),
        (expect("responses[0].headers[x-missing]", "absent", True), "pass"),
        (expect("responses[0].headers[set-cookie]", "absent", True), "fail"),
        (expect("responses[0].status", "absent", False), "pass"),
        (expect("responses[1].body", "absent", False), "fail"),
        # between: numbers only, bounds included
        (expect("responses[0].status", "between", [200, 299]), "pass"),
        (expect("responses[0].status", "between", [100, 200]), "pass"),
        (expect("responses[0].status", "between", [300, 599]), "fail"),
        (expect("responses[1].status", "between", [100, 599]), "fail"),
        (expect("responses[1].alive_after", "between", [0, 1]), "fail"),
        # [*]: on every item, and only when there is at least one
        (expect("responses[*].alive_after", "one_of", [True, False]), "pass"),
        (expect("responses[*].status", "equals", 200), "fail"),
        (expect("responses[*].headers[x-missing]", "absent", True), "pass"),
        (expect("origin.requests[*].method", "equals", "GET"), "pass"),
    ],
)
def test_checks(expectation: Expectation, outcome: str) -> None:
    result, [checked] = evaluate(SERVER, (expectation,))
    assert result == outcome and checked.holds is (outcome == "pass")


def test_every_item_needs_an_item() -> None:
    empty = Observation(kind="server")
    _, [checked] = evaluate(empty, (expect("responses[*].failure", "absent", True),))
    assert checked.holds is False and checked.observed == []


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


@pytest.mark.parametrize(
    ("levels", "outcome", "strongest"),
    [
        (("must", "should", "may"), "fail", "must"),
        (("should", "may"), "fail", "should"),
        (("may",), "pass", "may"),  # a MAY not taken is an option, not a failure
    ],
)
def test_levels_decide_the_outcome(levels: tuple[str, ...], outcome: str, strongest: str) -> None:
    failing = tuple(expect("responses[0].status", "equals", 999, level) for level in levels)
    result, checked = evaluate(SERVER, (expect("responses[0].status", "equals", 200), *failing))
    assert result == outcome and [c.level for c in checked] == ["must", *levels]
    assert (
        Cell("same", expected=result, expectations=checked).to_json()["expectations"][1]["level"] == levels[0]
    )


def test_a_report_without_levels_reads_back_as_musts() -> None:
    old = {
        "verdict": "same",
        "differences": [],
        "notes": [],
        "error": None,
        "error_class": None,
        "expected": "fail",
        "expectations": [
            {
                "field": "stdout",
                "check": "equals",
                "expected": "a",
                "observed": "b",
                "spec": "s",
                "holds": False,
            }
        ],
    }
    cell = Cell.from_json(old)
    assert cell.expectations[0].level == "must" and cell.failed_level == "must"


def matrix_with(tmp_path: Path, expected: str) -> Path:
    (tmp_path / "c.wat").write_text("(module)")
    path = tmp_path / "matrix.toml"
    path.write_text(
        '[matrix]\nengines = ["wasmtime"]\n[[scenario]]\nname = "a"\nkind = "client"\nsource = "c.wat"\n'
        + expected
    )
    return path


def test_expected_is_read_from_the_matrix(tmp_path: Path) -> None:
    entries = (
        '[[scenario.expected]]\nfield = "stdout"\nequals = "x"\nspec = "s"\nlevel = "should"\n'
        '[[scenario.expected]]\nfield = "responses[*].status"\nbetween = [100, 599]\n'
        'spec = "t"\nlevel = "must"\n'
        '[[scenario.expected]]\nfield = "exit_code"\nabsent = false\nspec = "u"\nlevel = "may"\n'
    )
    matrix = load_matrix(matrix_with(tmp_path, entries))
    assert matrix.scenarios[0].expected == (
        Expectation("stdout", "equals", "x", "s", "should"),
        Expectation("responses[*].status", "between", [100, 599], "t", "must"),
        Expectation("exit_code", "absent", False, "u", "may"),
    )


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('field = "stdout"\nequals = "x"\nlevel = "must"\n', 'scenario "a".expected[0].spec: missing'),
        (
            'field = "stdout"\nequals = "x"\nspec = "s"\n',
            'scenario "a".expected[0].level: missing (expected "must"',
        ),
        (
            'field = "stdout"\nequals = "x"\nspec = "s"\nlevel = "MUST"\n',
            'expected[0].level: expected "must"',
        ),
        (
            'field = "stdot"\nequals = "x"\nspec = "s"\nlevel = "must"\n',
            'scenario "a".expected[0].field: expected a field',
        ),
        ('field = "stdout"\nspec = "s"\nlevel = "must"\n', "expected exactly one check"),
        (
            'field = "stdout"\nequals = "x"\ncontains = "y"\nspec = "s"\nlevel = "must"\n',
            "expected exactly one check",
        ),
        ('field = "stdout"\nmatches = "("\nspec = "s"\nlevel = "must"\n', "invalid regex"),
        (
            'field = "stdout"\nabsent = "yes"\nspec = "s"\nlevel = "must"\n',
            "expected[0].absent: expected true",
        ),
        (
            'field = "exit_code"\nbetween = [5, 1]\nspec = "s"\nlevel = "must"\n',
            "expected[0].between: expected [low, high]",
        ),
        (
            'field = "exit_code"\nbetween = [1]\nspec = "s"\nlevel = "must"\n',
            "expected[0].between: expected [low, high]",
        ),
        (
            'field = "responses[*]"\nequals = 1\nspec = "s"\nlevel = "must"\n',
            "expected[0].field: expected a field",
        ),
    ],
)
def test_bad_expectations_name_the_key(tmp_path: Path, entry: str, problem: str) -> None:
    with pytest.raises(InputError) as caught:
        load_matrix(matrix_with(tmp_path, "[[scenario.expected]]\n" + entry))
    assert problem in str(caught.value)
