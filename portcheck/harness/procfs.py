"""What the kernel says a process is doing (Linux /proc): CPU used so far, and whether it is working.

The scheduler uses it to count only working tasks against the cores; the driver to wait, before
the next request, until a server has finished with the last one. Elsewhere than Linux nothing
is known: no CPU time, never working. Standard library only: a repro folder carries a copy.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
QUIET_POLL = 0.005  # seconds between two looks while waiting for a process to go quiet


def stat_fields(path: Path) -> list[str] | None:
    """/proc's stat line from the state on (the command name before it may hold spaces and parentheses)."""
    try:
        text = path.read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def cpu_seconds(pid: int) -> float | None:
    """CPU time the process has used so far (its reaped children included); None once it is gone."""
    fields = stat_fields(Path(f"/proc/{pid}/stat"))
    return None if fields is None else sum(int(value) for value in fields[11:15]) / CLOCK_TICKS


def runnable(pid: int) -> bool:
    """Whether a thread of the process is running or waiting for a core (not for I/O or a timer).

    What makes a process busy on a loaded machine, where it gets too little CPU to show.
    """
    try:
        threads = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return False
    return any(
        (fields := stat_fields(thread / "stat")) is not None and fields[0] == "R" for thread in threads
    )


def wait_quiet(pid: int, limit: float) -> bool:
    """Wait until no thread of the process is runnable, twice in a row (or `limit` seconds pass)."""
    deadline = time.monotonic() + limit
    quiet_once = False
    while time.monotonic() < deadline:
        if runnable(pid):
            quiet_once = False
        elif quiet_once:
            return True
        else:
            quiet_once = True
        time.sleep(QUIET_POLL)
    return False
