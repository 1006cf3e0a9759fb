"""Every engine's session side by side: one case runs on all engines at once.

A pool owns one session per engine (a long-lived client or server, or, for a component that
cannot loop, a fresh `execute` per case) and one thread per engine, so a case takes as long
as its slowest engine, not the sum of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from portcheck.harness.execute import Runnable, execute
from portcheck.harness.sessions import ClientSession, ServerSession, Session
from portcheck.model.observation import Observation
from portcheck.model.scenario import Kind, OriginResponse, Scenario, ScriptedRequest


class OneShot:
    """A component that runs one case per process: each case is a scenario, run as `portcheck run` runs it."""

    def __init__(self, engine: Runnable) -> None:
        self.engine = engine
        self.starts = 0

    def run(self, scenario: Scenario) -> Observation:
        self.starts += 1
        return execute(scenario, self.engine)

    def close(self) -> None:
        """Nothing outlives a case."""


AnySession = Session | OneShot


class EnginePool:
    def __init__(self, sessions: Mapping[str, AnySession], skipped: Mapping[str, Observation]) -> None:
        self.sessions, self.skipped = dict(sessions), dict(skipped)
        self._threads = ThreadPoolExecutor(max_workers=max(len(self.sessions), 1))

    @classmethod
    def loops(
        cls,
        kind: Kind,
        engines: Mapping[str, Runnable],
        skipped: Mapping[str, Observation],
        timeout: float,
        marker: str,
        fresh: bool = False,
    ) -> EnginePool:
        """A looping client guest, or a long-lived server (`fresh`: one per case), per engine."""
        sessions: dict[str, AnySession] = {
            name: ClientSession(engine, {}, timeout, marker)
            if kind == "client"
            else ServerSession(engine, {}, timeout, fresh)
            for name, engine in engines.items()
        }
        return cls(sessions, skipped)

    @classmethod
    def one_shot(cls, engines: Mapping[str, Runnable], skipped: Mapping[str, Observation]) -> EnginePool:
        return cls({name: OneShot(engine) for name, engine in engines.items()}, skipped)

    def each(self, call: Callable[[Any], Observation]) -> dict[str, Observation]:
        """`call(session)` on every engine at once; observations in engine order (skipped ones too)."""
        futures = {name: self._threads.submit(call, session) for name, session in self.sessions.items()}
        observed = {name: future.result() for name, future in futures.items()}
        return {**observed, **self.skipped}

    def client(
        self, instruction: dict[str, Any], responses: tuple[OriginResponse, ...]
    ) -> dict[str, Observation]:
        return self.each(lambda session: session.run(instruction, responses))

    def server(self, request: ScriptedRequest) -> dict[str, Observation]:
        return self.each(lambda session: session.run(request))

    def scenario(self, scenario: Scenario) -> dict[str, Observation]:
        return self.each(lambda session: session.run(scenario))

    def starts(self) -> dict[str, int]:
        return {name: session.starts for name, session in self.sessions.items()}

    def close(self) -> None:
        for session in self.sessions.values():
            session.close()
        self._threads.shutdown(wait=True, cancel_futures=True)
