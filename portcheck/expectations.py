"""Check observations against what the spec says should happen (a scenario's `[[expected]]`).

A field is named with the same paths the diff uses: `stdout`, `exit_code`, `failure`,
`responses[0].status`, `responses[0].headers[set-cookie]`, `origin.requests[1].method`, ...
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from portcheck.observations import Exchange, Header, Observation, RecordedRequest

FIELD = re.compile(
    r"^(?P<top>stdout|stderr|exit_code|failure)$"
    r"|^(?P<group>responses|origin\.requests)\.count$"
    r"|^(?P<item>responses|origin\.requests)\[(?P<index>\d+)\]\.(?P<attr>[a-z_]+)(?:\[(?P<name>[^\]]+)\])?$"
)
ITEM_FIELDS = {
    "responses": ("status", "reason", "body", "framing", "failure", "alive_after", "headers", "trailers"),
    "origin.requests": ("method", "target", "body", "framing", "headers", "trailers"),
}
if TYPE_CHECKING:
    from portcheck.config import Expectation

MISSING = "(not observed)"
# Failures after which nothing was observed: the spec's answer cannot be checked.
NOT_RUN = ("build", "compile", "instantiate")
Outcome = Literal["pass", "fail"] | None


def valid_field(path: str) -> str | None:
    """None if `path` names a field; otherwise what is wrong with it."""
    found = FIELD.match(path)
    if found is None:
        return "expected a field such as stdout, responses[0].status or origin.requests[0].headers[host]"
    if found["item"] and found["attr"] not in (known := ITEM_FIELDS[found["item"]]):
        return f"{found['item']}[N] has no field {found['attr']!r} (one of: {', '.join(known)})"
    if found["name"] and found["attr"] not in ("headers", "trailers"):
        return f"only headers and trailers take a [name], not {found['attr']}"
    return None


@dataclass
class Checked:
    field: str
    check: str
    expected: Any
    observed: Any
    spec: str
    holds: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "check": self.check,
            "expected": self.expected,
            "observed": self.observed,
            "spec": self.spec,
            "holds": self.holds,
        }


def field_list(fields: list[Header] | None, name: str | None) -> Any:
    if fields is None:
        return MISSING if name is None else []
    if name is None:
        return [[key, value] for key, value in fields]
    return [value for key, value in fields if key.lower() == name.lower()]


def item_value(item: Exchange | RecordedRequest, attr: str, name: str | None) -> Any:
    if attr in ("headers", "trailers"):
        return field_list(getattr(item, attr), name)
    value = getattr(item, attr)
    if attr == "body":
        return None if value is None else value.decode("utf-8", "surrogateescape")
    return value


def value_at(observation: Observation, path: str) -> Any:
    found = FIELD.match(path)
    assert found is not None, path
    if found["top"]:
        return getattr(observation, found["top"])
    items: list[Any] = (
        observation.exchanges
        if (found["group"] or found["item"]) == "responses"
        else (observation.origin_requests)
    )
    if found["group"]:
        return len(items)
    index = int(found["index"])
    if index >= len(items):
        return MISSING
    return item_value(items[index], found["attr"], found["name"])


def holds(check: str, expected: Any, observed: Any) -> bool:
    match check:
        case "equals":
            return observed == expected
        case "one_of":
            return observed in expected
        case "contains":
            return isinstance(observed, str | list) and expected in observed
        case "not_contains":
            return isinstance(observed, str | list) and expected not in observed
        case "matches":
            return isinstance(observed, str) and re.search(expected, observed) is not None
    raise ValueError(f"unknown check {check!r}")


def evaluate(
    observation: Observation, expectations: tuple[Expectation, ...]
) -> tuple[Outcome, list[Checked]]:
    """`pass` if every expectation holds, `fail` if one does not, None if there are none to check."""
    if not expectations or observation.failure in NOT_RUN or observation.skipped is not None:
        return None, []
    results = []
    for expectation in expectations:
        observed = value_at(observation, expectation.field)
        result = holds(expectation.check, expectation.value, observed)
        results.append(
            Checked(
                expectation.field, expectation.check, expectation.value, observed, expectation.spec, result
            )
        )
    return ("pass" if all(r.holds for r in results) else "fail"), results
