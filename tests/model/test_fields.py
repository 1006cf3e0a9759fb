"""Field paths: the grammar, building them, reading values, and which path covers which."""

from __future__ import annotations

import pytest

from portcheck.model import fields
from portcheck.model.observation import Exchange, Observation, RecordedRequest

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
        ("responses[5].status", fields.MISSING),
        ("origin.requests[0].headers[HOST]", ["h"]),
        ("origin.requests[0].trailers[x-sum]", ["1"]),
        ("origin.requests[0].body", "hi"),
        ("origin.requests.count", 1),
        ("failure", None),
        ("responses[*].status", [200, None]),
        ("responses[*].headers[set-cookie]", [["a=1", "b=2"], []]),
        ("origin.requests[*].target", ["/x"]),
    ],
)
def test_value_at(path: str, value: object) -> None:
    assert fields.problem_with(path) is None
    assert fields.value_at(SERVER, path) == value


@pytest.mark.parametrize(
    "path",
    [
        "status",
        "responses[0].colour",
        "responses[0].status[x]",
        "origin.requests[0]",
        "responses[*]",
        "stdout[*]",
    ],
)
def test_invalid_fields_are_refused(path: str) -> None:
    assert fields.problem_with(path) is not None


def test_builders_make_the_paths_the_grammar_reads() -> None:
    item = fields.item(fields.RESPONSES, 3)
    path = fields.named(fields.attribute(item, "headers"), "set-cookie")
    assert path == "responses[3].headers[set-cookie]"
    assert fields.parse(path) == fields.FieldPath(
        group="responses", index=3, attr="headers", name="set-cookie"
    )
    assert fields.parse(fields.count(fields.ORIGIN_REQUESTS)) == fields.FieldPath(group="origin.requests")
    assert fields.parse("stdout") == fields.FieldPath(top="stdout")


def test_whole_items_are_paths_only_where_asked_for() -> None:
    assert fields.problem_with("responses[0]") is not None
    assert fields.problem_with("responses[0]", whole_items=True) is None
    with pytest.raises(ValueError, match="expected a field"):
        fields.parse("responses")


@pytest.mark.parametrize(
    ("outer", "inner", "covers"),
    [
        ("responses[0]", "responses[0].headers[a]", True),
        ("responses[0].headers", "responses[0].headers[a]", True),
        ("responses[0].headers[a]", "responses[0].headers[a]", True),
        ("responses[0].headers[a]", "responses[0].headers", False),
        ("responses[1]", "responses[10].status", False),
        ("stdout", "stderr", False),
        ("responses[*].status", "responses[10].status", True),
        ("responses[*]", "responses[3].headers[a]", True),
        ("responses[*].status", "responses[1].body", False),
        ("responses[*].headers[a]", "origin.requests[0].headers[a]", False),
    ],
)
def test_covers_and_related(outer: str, inner: str, covers: bool) -> None:
    assert fields.covers(outer, inner) is covers
    assert fields.related(outer, inner) is (covers or fields.covers(inner, outer))
    assert fields.related(inner, outer) is fields.related(outer, inner)


def test_every_item_is_one_path_for_all_of_them() -> None:
    assert fields.parse("responses[*].headers[a]") == fields.FieldPath(
        group="responses", attr="headers", name="a", every=True
    )
    assert fields.is_every("responses[*].status") and not fields.is_every("responses[0].status")
    assert fields.problem_with("responses[*]", whole_items=True) is None  # a [[known]] entry may cover them
