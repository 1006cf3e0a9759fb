"""A long-lived child read record by record: a fuzz guest prints one record per case, then a marker.

The child is started in the running command's `processes.Children` (its own process group,
killed on every way out). Its stdout is read as it arrives; `next_record` hands out what was
printed up to the next marker line, or, if the child exits or the deadline passes first, what
it printed until then.
"""

from __future__ import annotations

import contextlib
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import Literal

from portcheck.harness import processes
from portcheck.harness.processes import Invocation

STDERR_KEPT = 65536  # bytes of stderr kept: enough for a diagnosis, bounded over thousands of cases


@dataclass
class Record:
    text: str
    ended: Literal["marker", "exit", "timeout"]
    stderr: str  # what the child wrote to stderr during this record


class LiveProcess:
    def __init__(self, invocation: Invocation, marker: str) -> None:
        self.invocation = invocation
        self._marker = (marker + "\n").encode()
        self._children = processes.current()
        self._stdout = bytearray()
        self._stderr = bytearray()
        self._stderr_mark = 0
        self._eof = 0  # streams that reached their end
        self._changed = threading.Condition()
        self.process = self._children.spawn(invocation.argv, invocation.env, invocation.cwd)
        self._readers = [
            threading.Thread(target=self._read, args=(self.process.stdout, self._stdout), daemon=True),
            threading.Thread(target=self._read, args=(self.process.stderr, None), daemon=True),
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream: object, into: bytearray | None) -> None:
        read = stream.read1  # type: ignore[attr-defined]
        while chunk := read(65536):
            with self._changed:
                if into is not None:
                    into += chunk
                else:
                    self._keep_stderr(chunk)
                self._changed.notify_all()
        with self._changed:
            self._eof += 1
            self._changed.notify_all()

    def _keep_stderr(self, chunk: bytes) -> None:
        self._stderr += chunk
        if len(self._stderr) > 2 * STDERR_KEPT:
            cut = len(self._stderr) - STDERR_KEPT
            del self._stderr[:cut]
            self._stderr_mark = max(0, self._stderr_mark - cut)

    def alive(self) -> bool:
        return self.process.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.process.poll()

    def next_record(self, timeout: float) -> Record:
        """Everything printed up to the next marker; on exit or timeout, everything printed so far."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = self._stdout.find(self._marker)
                if found >= 0:
                    return self._take(found, len(self._marker), "marker")
                if self._eof == 2:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        self.process.wait(timeout=10)
                    return self._take(len(self._stdout), 0, "exit")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return self._take(len(self._stdout), 0, "timeout")
                self._changed.wait(remaining)

    def _take(self, end: int, skip: int, ended: Literal["marker", "exit", "timeout"]) -> Record:
        text = bytes(self._stdout[:end]).decode("utf-8", "replace")
        del self._stdout[: end + skip]
        stderr = bytes(self._stderr[self._stderr_mark :]).decode("utf-8", "replace")
        self._stderr_mark = len(self._stderr)
        return Record(text, ended, stderr)

    def stop(self) -> None:
        self._children.kill(self.process)
        for reader in self._readers:
            reader.join(timeout=5)
