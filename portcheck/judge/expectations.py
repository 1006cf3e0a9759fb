"""Check observations against what the spec says should happen (a scenario's `[[expected]]`).

A field is named with the same paths the diff uses (model/fields.py); a path with [*] is checked
on every item, and holds when there is at least one item and it holds on each.
"""

from __future__ import annotations

import re
from typing import Any

from portcheck.model import fields
from portcheck.model.observation import Observation
from portcheck.model.report import Checked, Outcome, strongest_failure
from portcheck.model.scenario import Expectation

# Failures after which nothing was observed: the spec's answer cannot be checked.
NOT_RUN = ("build", "options", "compile", "instantiate")


def is_absent(value: Any) -> bool:
    """No value: null (no status, no body), an item that does not exist, a header name without lines."""
    return value is None or value == fields.MISSING or value == []


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def holds(check: str, expected: Any, observed: Any) -> bool:
    match check:
        case "equals":
            return observed == expected
        case "one_of":
            return observed in expected
        case "contains":
            return isinstance(observed, str | list) and expected in observed
        case "not_contains":  # a field with no value contains nothing
            return is_absent(observed) or (isinstance(observed, str | list) and expected not in observed)
        case "matches":
            return isinstance(observed, str) and re.search(expected, observed) is not None
        case "absent":
            return is_absent(observed) is expected
        case "between":
            return is_number(observed) and expected[0] <= observed <= expected[1]
    raise ValueError(f"unknown check {check!r}")


def check(observation: Observation, expectation: Expectation) -> Checked:
    observed = fields.value_at(observation, expectation.field)
    if fields.is_every(expectation.field):
        result = bool(observed) and all(holds(expectation.check, expectation.value, v) for v in observed)
    else:
        result = holds(expectation.check, expectation.value, observed)
    return Checked(
        expectation.field,
        expectation.check,
        expectation.value,
        observed,
        expectation.spec,
        result,
        expectation.level,
    )


def evaluate(
    observation: Observation, expectations: tuple[Expectation, ...]
) -> tuple[Outcome, list[Checked]]:
    """`fail` if a MUST or a SHOULD does not hold, else `pass` (an unmet MAY is an option the engine
    did not take); None if there is nothing to check."""
    if not expectations or observation.failure in NOT_RUN or observation.skipped is not None:
        return None, []
    results = [check(observation, expectation) for expectation in expectations]
    return ("fail" if strongest_failure(results) in ("must", "should") else "pass"), results
