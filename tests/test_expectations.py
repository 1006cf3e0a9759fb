"""Expected answers from the spec: field paths, checks, and the per-engine outcome."""

from __future__ import annotations

from pathlib import Path

import pytest

from portcheck.config import Expectation, load_matrix
from portcheck.errors import InputError
from portcheck.expectations import MISSING, evaluate, valid_field, value_at
from portcheck.observations import Exchange, Observation, RecordedRequest

SERVER = Observation(
    kind="server",
    exchanges=[
        Exchange("HEAD /", status=200, headers=[("Set-Cookie", "a=1"), ("set-cookie", "b=2")], body=b""),
        Exchange("GET /", failure="no-response", alive_after=False),
    ],
    origin_requests=[RecordedRequest("GET", "/x", [("Host", "h")], b"hi", "none", [("X-Sum", "1")])],
)


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("responses.count", 2),
        ("responses[0].status", 200),
        ("responses[0].headers[set-cookie]", ["a=1", "b=2"]),
        ("responses[0].headers[x-missing]", []),
        ("responses[0].body", ""),
        ("responses[1].failure", "no-response"),
        ("responses[1].status", None),
        ("responses[1].alive_after", False),
        ("responses[5].status", MISSING),
        ("origin.requests[0].headers[HOST]", ["h"]),
        ("origin.requests[0].trailers[x-sum]", ["1"]),
        ("origin.requests[0].body", "hi"),
        ("origin.requests.count", 1),
        ("failure", None),
    ],
)
def test_value_at(path: str, value: object) -> None:
    assert valid_field(path) is None
    assert value_at(SERVER, path) == value


@pytest.mark.parametrize(
    "path", ["status", "responses[0].colour", "responses[0].status[x]", "origin.requests[0]"]
)
def test_invalid_fields_are_refused(path: str) -> None:
    assert valid_field(path) is not None


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
