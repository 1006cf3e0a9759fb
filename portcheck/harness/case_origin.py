"""The origin of a fuzz session: one case at a time, for a guest that loops over many.

The guest asks `NEXT_PATH` for its next case; that request is held until portcheck loads one,
and answered with the case's instruction (JSON). The requests the case makes are answered with
the case's responses, in order (the last repeats), exactly as `OriginServer` answers a
scenario's, and recorded for the case. A stop instruction tells the guest to end.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from collections.abc import Callable
from typing import Any

from portcheck.harness.origin import OriginServer
from portcheck.model.observation import RecordedRequest
from portcheck.model.scenario import Origin, OriginResponse

NEXT_PATH = "/portcheck/fuzz/next"
MARK = "--- portcheck-fuzz: end of case ---"  # what a looping guest prints after each case
STOP = json.dumps({"stop": True}).encode()


class OriginClosed(ValueError):
    """The session ended while the guest waited for a case (ends that connection)."""


def instruction_response(instruction: bytes) -> OriginResponse:
    headers = (("Content-Type", "application/json"), ("Connection", "close"))
    return OriginResponse(status=200, headers=headers, body=instruction)


class CaseOrigin(OriginServer):
    """An origin whose script changes case by case."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__(Origin(responses=(OriginResponse(status=200),), host=host))
        self._instruction: bytes | None = None
        self._responses: tuple[OriginResponse, ...] = (OriginResponse(status=200),)
        self._case_requests: list[RecordedRequest] = []
        self._waiting = 0  # guest requests for the next case, held

    def wait_ready(self, timeout: float, alive: Callable[[], bool]) -> bool:
        """Until the guest asks for its first case (it has started), or it dies, or `timeout` passes."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._waiting == 0:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not alive():
                    return False
                self._changed.wait(min(remaining, 0.05))
            return True

    def load(self, instruction: dict[str, Any], responses: tuple[OriginResponse, ...]) -> None:
        """The next case: handed to the guest's next `NEXT_PATH` request, its requests answered so."""
        with self._changed:
            self._instruction = json.dumps(instruction).encode()
            self._responses = responses or (OriginResponse(status=200),)
            self._case_requests = []
            self._changed.notify_all()

    def stop_guest(self) -> None:
        with self._changed:
            self._instruction = STOP
            self._changed.notify_all()

    def case_requests(self) -> list[RecordedRequest]:
        """What the current case's requests were, as received."""
        with self._lock:
            return list(self._case_requests)

    def _next_response(self, request: RecordedRequest) -> OriginResponse:
        if request.target == NEXT_PATH:
            with self._changed:
                self._waiting += 1
                self._changed.notify_all()
                self._changed.wait_for(lambda: self._instruction is not None or self._closed)
                self._waiting -= 1
                if self._instruction is None:
                    raise OriginClosed("the session ended")
                instruction, self._instruction = self._instruction, None
            return instruction_response(instruction)
        with self._lock:
            self._case_requests.append(request)
            index = min(len(self._case_requests), len(self._responses)) - 1
            return self._responses[index]

    def _spawn(self, target: object, *args: object) -> None:
        """A session lives for thousands of connections: forget the finished ones."""
        with self._lock:
            self._threads = [thread for thread in self._threads if thread.is_alive()]
            self._connections = [connection for connection in self._connections if connection.fileno() >= 0]
        super()._spawn(target, *args)

    def _serve(self, connection: socket.socket) -> None:
        """A connection the session closed before its thread began is nothing to report."""
        with contextlib.suppress(OSError):
            super()._serve(connection)
