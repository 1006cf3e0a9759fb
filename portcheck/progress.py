"""A progress bar on the terminal while engines run; nothing at all when stderr is not a terminal."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

WIDTH = 30


class Bar:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.total, self.done = total, 0
        self.enabled = total > 0 and self.stream.isatty()  # CI logs get no carriage-return noise
        self._lock = threading.Lock()

    def tick(self, label: str) -> None:
        with self._lock:
            self.done += 1
            if not self.enabled:
                return
            filled = WIDTH * self.done // self.total
            line = f"[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} {label}"
            self.stream.write("\r\x1b[K" + line[:200])
            if self.done == self.total:
                self.stream.write("\r\x1b[K")
            self.stream.flush()
