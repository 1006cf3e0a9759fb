"""A planted divergence is found, bucketed and shrunk to its smallest form; the database replays it.

Recorded observations stand in for the engines here: the "engine" joins repeated Set-Cookie
lines with a comma, as jco does, and the baseline keeps them apart.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from hypothesis.database import InMemoryExampleDatabase

from portcheck.fuzz import GENERATORS
from portcheck.fuzz.buckets import Buckets
from portcheck.fuzz.budget import Budget
from portcheck.fuzz.campaign import MAX_CASE_FAILURES, Campaign
from portcheck.fuzz.cases import case_elements
from portcheck.fuzz.client_messages import ClientCase
from portcheck.fuzz.known import KnownClass
from portcheck.fuzz.targets import Target
from portcheck.judge.diff import Options
from portcheck.model.observation import Observation

JOINED = "stdout.entries[set-cookie]: joined with b','"


def record(case: ClientCase, join: bool) -> str:
    lines = [f"status: {case.message.status}"]
    cookies = [value for name, value in case.message.headers if name.lower() == "set-cookie"]
    for name, value in case.message.headers:
        if name.lower() != "set-cookie":
            lines.append(f"entry {name.lower()!r}: {value!r}")
    if cookies:
        shown = [b",".join(cookies)] if join else cookies
        lines += [f"entry 'set-cookie': {value!r}" for value in shown]
    return "\n".join(lines) + "\n"


class Recorded:
    """A CaseRunner whose engines are two recorded behaviours."""

    runs = 0

    def __init__(self, target: Target, baseline: str, options: Options) -> None:
        self.target, self.baseline, self.options = target, baseline, options
        self.pool = self

    def starts(self) -> dict[str, int]:
        return {}

    def run(self, case: Any) -> Any:
        Recorded.runs += 1
        observations = {
            "base": Observation(kind="client", exit_code=0, stdout=record(case, join=False)),
            "joining": Observation(kind="client", exit_code=0, stdout=record(case, join=True)),
        }
        return case_elements(self.target, observations, "base", self.options)

    def close(self) -> None:
        pass


def campaign(
    buckets: Buckets, database: Any = None, cases: int = 1000, lanes: int = 1
) -> tuple[Campaign, Target]:
    generator = GENERATORS["client-messages"]()
    target = Target(generator, Path("guest.wasm"), "builtin:guests_fuzz/client.py", "python", {}, {})
    budget = Budget(None, cases, 1)
    found = Campaign(buckets, budget, 11, "base", Options(), database, lambda _tally: None, Recorded, lanes)
    return found, target


def test_the_planted_divergence_is_found_and_shrunk_to_two_cookies() -> None:
    buckets = Buckets()
    found, target = campaign(buckets)
    found.run(target)
    bucket = buckets.found[JOINED]
    assert bucket.count > 1 and bucket.minimized and bucket.shrink_runs > 0
    message = bucket.example.message
    assert [name.lower() for name, _ in message.headers] == ["set-cookie", "set-cookie"]
    assert (bucket.example.method, message.status, message.body, message.framing) == (
        "GET",
        200,
        b"",
        "content-length",
    )
    assert found.tally.cases == 1000


def test_a_known_class_is_counted_not_bucketed() -> None:
    buckets = Buckets(known=[KnownClass("joining", "tracked upstream", signature="*set-cookie*")])
    found, target = campaign(buckets, cases=600)
    found.run(target)
    assert JOINED not in buckets.found
    assert buckets.accepted[(JOINED, "joining")].count > 0


def test_a_minimized_case_is_saved_and_replayed_first() -> None:
    database = InMemoryExampleDatabase()
    first, target = campaign(Buckets(), database)
    first.run(target)
    again = Buckets()
    second, target = campaign(again, database, cases=1)
    second.run(target)
    bucket = again.found[JOINED]
    assert bucket.source == "replayed" and bucket.minimized
    assert [name.lower() for name, _ in bucket.example.message.headers] == ["set-cookie", "set-cookie"]


def test_cases_run_side_by_side_are_counted_as_if_one_at_a_time() -> None:
    """Lanes change how fast cases run, never what a run finds: the same buckets, first seen in
    the same case, with the same counts."""

    def found(lanes: int) -> list[tuple[str, int, int, str]]:
        buckets = Buckets()
        run, target = campaign(buckets, cases=300, lanes=lanes)
        run.run(target)
        assert run.tally.cases == 300
        return [(b.signature, b.first_case, b.count, repr(b.example)) for b in buckets.found.values()]

    assert found(3) == found(1) != []


class OneHangs(Recorded):
    """The third case drawn hangs (as a body that never ends does, until the case timeout); the
    others take no time. Keeps the order in which cases finished."""

    finished: ClassVar[list[int]] = []
    drawn = 0

    def run(self, case: Any) -> Any:
        with HANGING:
            OneHangs.drawn += 1
            number = OneHangs.drawn
        if number == 3:
            time.sleep(0.5)
        OneHangs.finished.append(number)
        return super().run(case)


HANGING = threading.Lock()


def test_a_hanging_case_leaves_the_other_lane_going_and_the_count_a_prefix() -> None:
    OneHangs.finished, OneHangs.drawn = [], 0
    generator = GENERATORS["client-messages"]()
    target = Target(generator, Path("guest.wasm"), "builtin:guests_fuzz/client.py", "python", {}, {})
    budget = Budget(3.0, None, 1)  # out of time while many cases are drawn ahead, not begun
    run = Campaign(Buckets(), budget, 11, "base", Options(), None, lambda _tally: None, OneHangs, 2)
    run.run(target)
    before_the_hang_ended = OneHangs.finished[: OneHangs.finished.index(3)]
    assert len(before_the_hang_ended) > 20  # the other lane went on while the third case hung
    generated = run.tally.steps["client-messages"]["cases"]
    assert sorted(OneHangs.finished)[:generated] == list(range(1, generated + 1))
    assert 0 < generated <= len(OneHangs.finished)  # counted: the cases begun, the first drawn


class Raises(Recorded):
    """Case runs that raise, as a harness bug would: the tenth, or (`every`) all from the tenth on."""

    calls = 0
    every = False

    def run(self, case: Any) -> Any:
        Raises.calls += 1
        if Raises.calls == 10 or (Raises.every and Raises.calls > 10):
            raise RuntimeError(f"the harness failed on run {Raises.calls}")
        return super().run(case)


def raising_campaign(every: bool) -> tuple[Campaign, Target]:
    Raises.calls, Raises.every = 0, every
    generator = GENERATORS["client-messages"]()
    target = Target(generator, Path("guest.wasm"), "builtin:guests_fuzz/client.py", "python", {}, {})
    return Campaign(
        Buckets(), Budget(None, 300, 1), 11, "base", Options(), None, lambda _t: None, Raises
    ), target


def test_a_case_that_raises_is_left_out_and_said() -> None:
    # Raised inside Hypothesis's run, where a later case was being drawn, it used to end the
    # whole run as a FlakyFailure naming that later case.
    run, target = raising_campaign(every=False)
    run.run(target)
    assert run.tally.failures == ["case 10 (client-messages): RuntimeError: the harness failed on run 10"]
    assert run.tally.steps["client-messages"]["cases"] == 300


def test_a_failure_every_case_meets_ends_the_run_with_its_own_error() -> None:
    run, target = raising_campaign(every=True)
    with pytest.raises(RuntimeError, match="failed on run"):
        run.run(target)
    assert len(run.tally.failures) == MAX_CASE_FAILURES + 1
