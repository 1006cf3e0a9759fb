"""Running a run's tasks by what they use, not by how many run.

A task (a build, a preparation, one cell) often waits on an engine that uses no CPU: a probe
that hangs until its timeout, a server waiting for a request. Counting such a task against the
cores leaves a core idle. So a task holds one of the `slots` (the cores) only while the
processes it started use CPU, as the kernel counts it in /proc; a task whose processes have
gone idle lets another one start. At most `limit` tasks are alive at once (memory).

Among the tasks that are ready (everything they wait for has finished), the one with the
longest expected path to the end of the run starts first (its expected duration plus that of
the longest chain of tasks waiting for it), so that long cells do not start last.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence

from portcheck.harness import processes
from portcheck.harness.procfs import cpu_seconds, runnable

SAMPLE = 0.1  # seconds between two looks at what the tasks' processes use
IDLE_RATE = 0.15  # cores: a task whose processes use less is waiting, not working
WARMUP = 0.3  # seconds a new task counts as busy, whatever /proc says yet


class Task:
    """One unit of work, what it waits for, and how long it is expected to take."""

    def __init__(
        self, name: str, work: Callable[[], object], after: Sequence[Task] = (), expected: float = 1.0
    ):
        self.name, self.work, self.after, self.expected = name, work, tuple(after), expected
        self.result: object = None
        self.error: BaseException | None = None
        self.seconds = 0.0
        self.done = False
        self.path = expected  # expected time from this task's start to the end of the run
        self._pids: list[int] = []
        self._started = 0.0
        self._cpu, self._sampled = 0.0, 0.0
        self._idle_before = False
        self.busy = True

    def ready(self) -> bool:
        return all(task.done for task in self.after)

    def perform(self) -> None:
        self._started = self._sampled = time.monotonic()
        try:
            with processes.reporting_to(self._pids.append):
                self.result = self.work()
        except BaseException as error:  # handed to the scheduler's thread, which raises it
            self.error = error
        self.seconds = time.monotonic() - self._started

    def sample(self, now: float) -> None:
        """Is the task working (using CPU) or waiting? Looks at its processes since the last sample."""
        used = [cpu for pid in self._pids if (cpu := cpu_seconds(pid)) is not None]
        total = sum(used)
        rate = (total - self._cpu) / max(now - self._sampled, 1e-3)
        self._cpu, self._sampled = total, now
        # No process of its own (yet, or any more): the task's Python side is what runs. The
        # threads are read only when the CPU time alone says idle (it is the costlier look).
        working = not used or rate >= IDLE_RATE or any(runnable(pid) for pid in self._pids)
        # Idle only when seen idle twice in a row: one look can fall between two bursts of work.
        self.busy = now - self._started < WARMUP or working or not self._idle_before
        self._idle_before = not working


def longest_paths(tasks: Sequence[Task]) -> None:
    """Each task's expected duration plus the longest chain of tasks waiting for it."""
    waiting: dict[int, list[Task]] = {}
    for task in tasks:
        for before in task.after:
            waiting.setdefault(id(before), []).append(task)
    for task in reversed(tasks):  # tasks come after what they wait for
        task.path = task.expected + max((later.path for later in waiting.get(id(task), [])), default=0.0)


def run_all(tasks: Sequence[Task], slots: int, limit: int) -> None:
    """Run every task (each after the ones it waits for); raise the first error a task raised."""
    longest_paths(tasks)
    pending = sorted(tasks, key=lambda task: -task.path)  # stable: equal paths keep their order
    live: list[tuple[Task, threading.Thread]] = []
    finished = threading.Event()
    sampled = 0.0
    try:
        while pending or live:
            now = time.monotonic()
            running = [(task, thread) for task, thread in live if thread.is_alive()]
            ended = [task for task, thread in live if (task, thread) not in running]
            live = running
            if failed := next((task.error for task in ended if task.error is not None), None):
                raise failed
            if now - sampled >= SAMPLE:  # not on every wake-up: a task ending wakes the loop too
                sampled = now
                for task, _thread in live:
                    task.sample(now)
            busy = sum(task.busy for task, _ in live)
            index = 0
            while index < len(pending) and busy < slots and len(live) < limit:
                task = pending[index]
                if not task.ready():
                    index += 1
                    continue
                del pending[index]
                thread = threading.Thread(target=done_then_wake(task, finished), name=task.name)
                thread.start()
                live.append((task, thread))
                busy += 1
            finished.wait(SAMPLE)
            finished.clear()
    except BaseException:
        processes.current().kill_all()  # Ctrl-C or a failure: free the tasks waiting on engines
        for _task, thread in live:
            with contextlib.suppress(Exception):
                thread.join(timeout=30)
        raise


def done_then_wake(task: Task, finished: threading.Event) -> Callable[[], None]:
    def perform() -> None:
        task.perform()
        task.done = True
        finished.set()

    return perform
