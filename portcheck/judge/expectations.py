"""Check observations against what the spec says should happen (a scenario's `[[expected]]`).

A field is named with the same paths the diff uses (model/fields.py).
"""

from __future__ import annotations

import re
from typing import Any

from portcheck.model.fields import value_at
from portcheck.model.observation import Observation
from portcheck.model.report import Checked, Outcome
from portcheck.model.scenario import Expectation

# Failures after which nothing was observed: the spec's answer cannot be checked.
NOT_RUN = ("build", "compile", "instantiate")


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
