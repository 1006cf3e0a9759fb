"""Hypothesis as portcheck fuzz's generator and shrinker: the only module that knows its internals.

- `generate`: one long `@given` run that never fails, so the sequence of cases depends on the
  seed alone (not on what the engines answer, nor on how long they take): `--seed N --cases M`
  gives the same M cases every time. Each case comes with its choice sequence.
- `minimize`: Hypothesis's shrinker started from one case (its choice sequence put into an
  in-memory example database, where the reuse phase finds it), keeping what still shows a given
  signature, until a deadline; the smallest case seen is kept even when the deadline cuts it short.
- `replay`: a choice sequence from the example database, drawn into a value again.

Reading the choice sequence of the case being run, the database key of a `@given` test, and the
database's secondary key (replayed, but not taken as already shrunk) are internals of the exact
Hypothesis version pyproject.toml pins; tests/fuzz/test_search.py fails if a new one moves them.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from hypothesis import HealthCheck, Phase, Verbosity, find, given, seed, settings
from hypothesis import strategies as st
from hypothesis.control import current_build_context
from hypothesis.database import InMemoryExampleDatabase, choices_from_bytes, choices_to_bytes
from hypothesis.errors import HypothesisException

Value = TypeVar("Value")
Choices = tuple[Any, ...]
SECONDARY = b".secondary"  # the engine's key for examples to replay that are not known minimal
MINIMIZE_KEY = b"portcheck-fuzz-minimize"
UNLIMITED = 10**12  # max_examples: the budget, not Hypothesis, ends a run


class Stop(BaseException):
    """Ends a Hypothesis run from inside it (a BaseException: Hypothesis lets it through)."""


@dataclass(frozen=True)
class Drawn(Generic[Value]):
    value: Value
    choices: Choices

    @property
    def size(self) -> tuple[int, bytes]:
        """Smaller is simpler: what shrinking minimizes (shortlex over the choice sequence)."""
        encoded = choices_to_bytes(self.choices)
        return len(encoded), encoded


def quiet(**changes: Any) -> settings:
    chosen: dict[str, Any] = {
        "database": None,
        "deadline": None,
        "max_examples": UNLIMITED,
        "suppress_health_check": list(HealthCheck),
        "verbosity": Verbosity.quiet,
        "print_blob": False,
        "report_multiple_bugs": False,
    }
    return settings(**{**chosen, **changes})


def current_choices() -> Choices:
    """The choice sequence of the case Hypothesis is running right now."""
    return tuple(current_build_context().data.choices)


def generate(strategy: st.SearchStrategy[Value], seed_value: int, run: Callable[[Drawn[Value]], bool]) -> int:
    """Draw cases from `strategy` and `run` each until `run` says stop (returns False); the number run.

    Should Hypothesis ever end a run by itself (a small strategy exhausted), the next run
    continues with the next seed, so the sequence stays a function of `seed_value` alone.
    """
    count = 0

    def test(value: Value) -> None:
        nonlocal count
        count += 1
        if not run(Drawn(value, current_choices())):
            raise Stop

    for attempt in range(1000):
        wrapped = quiet(phases=[Phase.generate])(seed(seed_value + attempt)(given(strategy)(test)))
        try:
            wrapped()
        except Stop:
            return count
    return count


def minimize(
    strategy: st.SearchStrategy[Value],
    start: Drawn[Value],
    holds: Callable[[Drawn[Value]], bool],
    deadline: float,
) -> Drawn[Value] | None:
    """The smallest case found from `start` for which `holds` is true, shrinking until `deadline`.

    None when `start` itself no longer holds (the divergence did not show again).
    """
    database = InMemoryExampleDatabase()
    database.save(MINIMIZE_KEY + SECONDARY, choices_to_bytes(start.choices))
    best: list[Drawn[Value]] = []

    def condition(value: Value) -> bool:
        if time.monotonic() > deadline:
            raise Stop
        drawn = Drawn(value, current_choices())
        if not holds(drawn):
            return False
        if not best or drawn.size < best[0].size:
            best[:] = [drawn]
        return True

    chosen = quiet(database=database, phases=[Phase.reuse, Phase.shrink])
    # Out of time, not shown again, or flaky on the last replay: the best seen stands.
    with contextlib.suppress(Stop, HypothesisException, Exception):
        find(strategy, condition, settings=chosen, database_key=MINIMIZE_KEY)
    return best[0] if best else None


def encode(choices: Choices) -> bytes:
    return choices_to_bytes(choices)


def replay(strategy: st.SearchStrategy[Value], encoded: bytes) -> Drawn[Value] | None:
    """The case a stored choice sequence gives (None if it no longer decodes into one).

    Hypothesis's own reuse phase draws it, from an in-memory database holding just that sequence.
    """
    if choices_from_bytes(encoded) is None:
        return None
    database = InMemoryExampleDatabase()
    database.save(MINIMIZE_KEY + SECONDARY, encoded)
    found: list[Drawn[Value]] = []

    def test(value: Value) -> None:
        found.append(Drawn(value, current_choices()))

    wrapped = quiet(database=database, phases=[Phase.reuse])(given(strategy)(test))
    wrapped._hypothesis_internal_database_key = MINIMIZE_KEY  # type: ignore[attr-defined]
    try:
        wrapped()
    except (HypothesisException, Exception):
        return None
    return found[0] if found else None


def draws(strategy: st.SearchStrategy[Value], seed_value: int, count: int) -> Sequence[Drawn[Value]]:
    """The first `count` cases `generate` gives for `seed_value` (for tests)."""
    found: list[Drawn[Value]] = []

    def keep(drawn: Drawn[Value]) -> bool:
        found.append(drawn)
        return len(found) < count

    generate(strategy, seed_value, keep)
    return found
