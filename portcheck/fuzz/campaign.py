"""One fuzz run over the generators: replay, generate, shrink, each within its share of the budget.

For each generator in turn: the cases made from the user's own scenarios run first, then the
minimized cases earlier runs saved in the example database (those that no longer show a new
divergence are deleted from it), then generated cases until the generator's share says stop,
then each bucket it opened is shrunk (smallest first found, while time is left). Every case
runs on every engine at once; every signature it shows is counted in its bucket.
"""

from __future__ import annotations

import time
import traceback
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from queue import Queue
from typing import Any

from hypothesis.database import ExampleDatabase

from portcheck import cache
from portcheck.console import debugging, say
from portcheck.fuzz import search
from portcheck.fuzz.buckets import Bucket, Buckets
from portcheck.fuzz.budget import Budget
from portcheck.fuzz.cases import CaseRunner
from portcheck.fuzz.targets import Target
from portcheck.judge.diff import Options

STRATEGY_VERSION = "2"  # change when a strategy changes what a choice sequence means
# Cases drawn ahead per lane. Counting waits for cases in drawing order, so a case that hangs
# until its 3 s timeout holds the count up: the other lanes go on only as far as this allows.
WINDOW = 64

MAX_CASE_FAILURES = 3  # cases whose run raised, left out; one more ends the run with its error


@dataclass
class Tally:
    """What the progress bar shows, and fuzz.json counts."""

    generator: str = ""
    phase: str = ""
    cases: int = 0  # generated cases, every generator
    runs: int = 0  # every case run: seeds, replays, generated, shrinking
    buckets: int = 0
    # Per generator: seconds spent in each step, cases generated, engine processes started.
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # cases whose run raised (a portcheck bug)


def database_key(target: Target) -> bytes:
    parts = [target.generator.name, target.guest, STRATEGY_VERSION, repr(target.generator.seeds)]
    if not target.generic:
        parts.append(cache.file_digest(target.component))
    return cache.digest(*parts).encode()


class Campaign:
    def __init__(
        self,
        buckets: Buckets,
        budget: Budget,
        seed: int,
        baseline: str,
        options: Options,
        database: ExampleDatabase | None,
        progress: Callable[[Tally], None],
        runner: Callable[[Target, str, Options], CaseRunner] = CaseRunner,
        lanes: int = 1,
    ) -> None:
        self.runner = runner  # what runs a case on the engines (tests give recorded observations)
        self.lanes = max(1, lanes)  # generated cases running at once, each on its own sessions
        self.buckets, self.budget, self.seed = buckets, budget, seed
        self.baseline, self.options, self.database = baseline, options, database
        self.progress = progress
        self.tally = Tally()

    def say(self, phase: str) -> None:
        self.tally.phase = phase
        self.tally.buckets = len(self.buckets.found)
        self.progress(self.tally)

    def run(self, target: Target) -> None:
        self.budget.start_phase()
        self.tally.generator = target.generator.name
        # A runner per lane, each with its own sessions (started on first use); only generating uses them all.
        lanes = [self.runner(target, self.baseline, self.options) for _ in range(self.lanes)]
        runner = lanes[0]
        steps = self.tally.steps[target.generator.name] = {"cases": 0}
        before = self.tally.cases
        try:
            for name, step, given in (
                ("seeds", self.seed_cases, runner),
                ("replay", self.replay, runner),
                ("generate", self.generate, lanes),
                ("shrink", self.shrink, runner),
            ):
                started = time.monotonic()
                step(target, given)
                steps[f"{name}_seconds"] = round(time.monotonic() - started, 2)
                steps["cases"] = self.tally.cases - before
            self.save(target)
        finally:
            starts = [lane.pool.starts() for lane in lanes]
            steps["starts"] = {engine: sum(each[engine] for each in starts) for engine in starts[0]}
            for lane in lanes:
                lane.close()

    def record(self, target: Target, runner: CaseRunner, case: Any, drawn: Any, source: str) -> list[Bucket]:
        elements = runner.run(case)
        self.tally.runs += 1
        opened = self.buckets.record(target.generator.name, elements, case, drawn, self.tally.cases, source)
        self.tally.buckets = len(self.buckets.found)
        return opened

    def seed_cases(self, target: Target, runner: CaseRunner) -> None:
        cases = target.generator.seed_cases()
        if cases:
            self.say(f"{len(cases)} case(s) from your scenarios")
        for case in cases:
            self.record(target, runner, case, None, "seed")

    def stored(self, target: Target) -> list[tuple[bytes, bytes]]:
        """(signature, choices) pairs earlier runs saved for this generator."""
        if self.database is None:
            return []
        key = database_key(target)
        pairs = []
        for signature in sorted(self.database.fetch(key + b".index")):
            pairs += [(signature, choices) for choices in sorted(self.database.fetch(key + b":" + signature))]
        return pairs

    def replay(self, target: Target, runner: CaseRunner) -> None:
        pairs = self.stored(target)
        if not pairs:
            return
        self.say(f"replaying {len(pairs)} saved case(s)")
        key = database_key(target)
        strategy = target.generator.strategy()
        for signature, choices in pairs:
            drawn = search.replay(strategy, choices)
            opened = [] if drawn is None else self.record(target, runner, drawn.value, drawn, "replayed")
            if not any(bucket.signature == signature.decode() for bucket in opened):
                assert self.database is not None
                self.database.delete(key + b":" + signature, choices)
                self.database.delete(key + b".index", signature)
            for bucket in opened:
                bucket.minimized = bucket.signature == signature.decode()

    def generate(self, target: Target, lanes: list[CaseRunner]) -> None:
        """Generated cases until the budget says stop, `lanes` at once: while cases run on the
        engines (each lane its own sessions), Hypothesis draws the next; results are counted in
        the order the cases were drawn (what a case shows never feeds back into drawing)."""
        opened: list[Bucket] = []
        generated = 0
        pending: deque[tuple[Future[Any], search.Drawn[Any], int]] = deque()
        free: Queue[CaseRunner] = Queue()
        for lane in lanes:
            free.put(lane)
        self.say("generating")

        def on_a_free_lane(value: Any) -> Any:
            lane = free.get()
            try:
                return lane.run(value)
            finally:
                free.put(lane)

        failed: list[BaseException] = []  # past MAX_CASE_FAILURES: raised once generation stops

        def settle(future: Future[Any], drawn: search.Drawn[Any], number: int) -> None:
            self.tally.runs += 1
            if failed:  # the run is ending with that error: what the rest show is not counted
                return
            try:
                elements = future.result()
            except Exception as error:
                # Raised here, inside Hypothesis's run, it would be pinned on the case being drawn
                # (a later one) and end as a FlakyFailure naming the wrong case.
                if self.case_failed(target, number, error):
                    failed.append(error)
                return
            found = self.buckets.record(
                target.generator.name, elements, drawn.value, drawn, number, "generated"
            )
            opened.extend(found)
            self.tally.buckets = len(self.buckets.found)

        def one(drawn: search.Drawn[Any]) -> bool:
            nonlocal generated
            self.budget.buckets = len(self.buckets.found)
            if failed or not self.budget.generating(generated):
                return False
            generated += 1
            self.tally.cases += 1
            pending.append((dispatcher.submit(on_a_free_lane, drawn.value), drawn, self.tally.cases))
            if len(pending) > WINDOW * len(lanes):
                settle(*pending.popleft())
            self.say("generating")
            return True

        with ThreadPoolExecutor(max_workers=len(lanes)) as dispatcher:
            search.generate(target.generator.strategy(), self.seed, one)
            if self.budget.cases is None or generated < self.budget.cases:
                # Out of time: the cases not yet begun are dropped. Lanes begin cases in drawing
                # order, so those counted are still the first ones drawn.
                begun = [item for item in pending if not item[0].cancel()]
                self.tally.cases -= len(pending) - len(begun)
                pending = deque(begun)
            while pending:
                settle(*pending.popleft())
        if failed:
            raise failed[0]

    def case_failed(self, target: Target, number: int, error: Exception) -> bool:
        """Say that a case's run raised, and go on without it; True once too many have: a bug that
        every case meets ends the run rather than skipping it all."""
        text = f"case {number} ({target.generator.name}): {type(error).__name__}: {error}"
        self.tally.failures.append(text)
        say(f"{text} (a portcheck bug: the case is left out)")
        if debugging():
            traceback.print_exception(error)
        return len(self.tally.failures) > MAX_CASE_FAILURES

    def shrink(self, target: Target, runner: CaseRunner) -> None:
        strategy = target.generator.strategy()
        queue = [bucket for bucket in self.buckets.of(target.generator.name) if not bucket.minimized]
        while queue:
            bucket = queue.pop(0)
            if bucket.drawn is None:
                continue
            self.budget.buckets = len(self.buckets.found)
            deadline = self.budget.shrink_deadline(len(queue) + 1)
            self.say(f"shrinking {len(self.buckets.found) - len(queue)}/{len(self.buckets.found)}")

            def holds(drawn: search.Drawn[Any], bucket: Bucket = bucket) -> bool:
                elements = runner.run(drawn.value)
                self.tally.runs += 1
                bucket.shrink_runs += 1
                queue.extend(
                    self.buckets.record(target.generator.name, elements, drawn.value, drawn, 0, "shrinking")
                )
                return any(e.signature == bucket.signature for items in elements.values() for e in items)

            best = search.minimize(strategy, bucket.drawn, holds, deadline)
            if best is not None:
                bucket.example, bucket.drawn, bucket.minimized = best.value, best, True

    def save(self, target: Target) -> None:
        """Keep every minimized case of this generator for the next run to replay first."""
        if self.database is None:
            return
        key = database_key(target)
        for bucket in self.buckets.of(target.generator.name):
            if bucket.drawn is not None and bucket.minimized:
                signature = bucket.signature.encode()
                self.database.save(key + b".index", signature)
                self.database.save(key + b":" + signature, search.encode(bucket.drawn.choices))
