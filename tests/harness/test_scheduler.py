"""The scheduler counts a task against the cores only while its processes work.

Plain processes stand in for engines (the scheduler only ever looks at /proc): `sleep` waits
as a hung engine does, a busy loop works as a compiling one does. No test here times anything:
each asserts an order of events.
"""

from __future__ import annotations

import sys
import threading

from portcheck.harness import processes
from portcheck.harness.scheduler import Task, longest_paths, run_all

BUSY = [sys.executable, "-c", "import time\nend = time.monotonic() + 1.5\nwhile time.monotonic() < end: pass"]
IDLE = ["sleep", "3"]


def in_process(argv: list[str], events: list[str], name: str) -> object:
    events.append(f"{name} starts")
    processes.run(argv, env={"PATH": "/usr/bin:/bin"}, timeout=60)
    events.append(f"{name} ends")
    return name


def test_a_task_waiting_on_an_idle_process_lets_the_next_one_start() -> None:
    events: list[str] = []
    hung = Task("hung", lambda: in_process(IDLE, events, "hung"), expected=10)
    quick = Task("quick", lambda: events.append("quick runs") or "quick", expected=1)
    run_all([hung, quick], slots=1, limit=4)
    assert events == ["hung starts", "quick runs", "hung ends"]
    assert (hung.result, quick.result) == ("hung", "quick")


def test_a_task_whose_process_works_keeps_its_core() -> None:
    events: list[str] = []
    busy = Task("busy", lambda: in_process(BUSY, events, "busy"), expected=10)
    after = Task("after", lambda: events.append("after runs"), expected=1)
    run_all([busy, after], slots=1, limit=4)
    assert events == ["busy starts", "busy ends", "after runs"]


def test_the_longest_path_starts_first_and_a_task_waits_for_what_it_needs() -> None:
    order: list[str] = []
    lock = threading.Lock()

    def note(name: str) -> str:
        with lock:
            order.append(name)
        return name

    build = Task("build", lambda: note("build"), expected=1)
    short = Task("short", lambda: note("short"), expected=1)
    long_run = Task("long", lambda: note("long") + str(build.result), after=[build], expected=30)
    tasks = [short, build, long_run]
    longest_paths(tasks)
    assert (build.path, long_run.path, short.path) == (31, 30, 1)
    run_all(tasks, slots=1, limit=1)
    assert order == ["build", "long", "short"]
    assert long_run.result == "longbuild"


def test_an_error_in_a_task_stops_the_run_and_is_raised() -> None:
    def broken() -> None:
        raise RuntimeError("a bug")

    hung = Task("hung", lambda: processes.run(["sleep", "30"], env={}, timeout=60), expected=5)
    failing = Task("broken", broken, expected=1)
    try:
        with processes.Children.for_command():
            run_all([hung, failing], slots=2, limit=4)
    except RuntimeError as error:
        assert str(error) == "a bug"
    else:
        raise AssertionError("the error was not raised")
    # The hung task's process was killed, not waited for.
    assert hung.done and hung.result.returncode == -9  # type: ignore[attr-defined]
