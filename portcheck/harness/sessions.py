"""Fuzz sessions: one long-lived engine process per engine, serving case after case.

A `ClientSession` runs a looping client guest against its own `CaseOrigin`: each case is one
instruction and the origin's responses to it, and the guest prints one record per case. A
`ServerSession` keeps one server running and sends each case's request to it. Either starts its
process again when it dies (the death is part of that case's observation), from a spare started
in advance once the engine has died once, so a restart costs no waiting; and gives every case
an `Observation` shaped exactly like the one `execute` gives the same case run on its own, so the
judge compares them the same way. The time an engine takes to start never counts against a case.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from portcheck.harness import driver, processes
from portcheck.harness.case_origin import CaseOrigin
from portcheck.harness.execute import (
    ALIVE_GRACE,
    ORIGIN,
    ORIGIN_AUTHORITY,
    SERVER_AUTHORITY,
    Runnable,
    startup_failure,
)
from portcheck.harness.live import LiveProcess, Record
from portcheck.harness.origin import HOST
from portcheck.model.observation import Exchange, Failure, Observation
from portcheck.model.scenario import OriginResponse, ScriptedRequest

ALIVE_PATH = "/portcheck/fuzz/alive"  # any answer to it means the server still serves
STARTUP_TIMEOUT = 120.0  # an engine loading a large component on a busy machine


class Session:
    """What both kinds share: the engine, its environment, how often it was started."""

    def __init__(self, engine: Runnable, env: Mapping[str, str], timeout: float) -> None:
        self.engine, self.env, self.timeout = engine, dict(env), timeout
        self.starts = 0  # engine processes started (spares included)
        self.deaths = 0

    def close(self) -> None:
        raise NotImplementedError


@dataclass
class Guest:
    """A looping client guest and the origin only it talks to."""

    origin: CaseOrigin
    process: LiveProcess

    def endpoints(self) -> list[tuple[str, str]]:
        return [(ORIGIN, self.origin.url), (ORIGIN_AUTHORITY, self.origin.authority)]

    def stop(self) -> None:
        self.origin.stop_guest()
        self.process.stop()
        self.origin.close()


class ClientSession(Session):
    def __init__(self, engine: Runnable, env: Mapping[str, str], timeout: float, marker: str) -> None:
        super().__init__(engine, env, timeout)
        self.marker = marker
        self.guest: Guest | None = None
        self.spare: Guest | None = None

    def launch(self) -> Guest:
        self.starts += 1
        origin = CaseOrigin().__enter__()
        env = {**self.env, "PORTCHECK_ORIGIN": origin.url}
        return Guest(origin, LiveProcess(self.engine.client(env), self.marker))

    def ready(self) -> Guest | Record:
        """The guest waiting for its next case (the spare if the last one died), or how it ended."""
        if self.guest is None:
            self.guest, self.spare = self.spare or self.launch(), (self.launch() if self.deaths else None)
        guest = self.guest
        if guest.origin.wait_ready(STARTUP_TIMEOUT, guest.process.alive):
            return guest
        record = guest.process.next_record(0)
        if record.ended == "marker":  # cannot happen before the first case; treat as a death
            record.ended = "exit"
        return record

    def run(self, instruction: dict[str, Any], responses: tuple[OriginResponse, ...]) -> Observation:
        observation = Observation(kind="client", exit_code=0)
        guest = self.ready()
        if isinstance(guest, Guest):
            guest.origin.load(instruction, responses)
            record = guest.process.next_record(self.timeout)
            observation.origin_requests = guest.origin.case_requests()
        else:
            record = guest
        assert self.guest is not None
        observation.stdout, observation.stderr = record.text, record.stderr
        observation.endpoints = self.guest.endpoints()
        if record.ended != "marker":
            self.ended(record, observation)
        return observation

    def ended(self, record: Record, observation: Observation) -> None:
        """The guest exited (or hung) inside the case: as `execute` sees a run that ends so."""
        assert self.guest is not None
        self.deaths += 1
        if record.ended == "timeout":
            observation.exit_code, observation.failure = None, "timeout"
            observation.message = f"no end of case after {self.timeout:g} s"
        else:
            returncode = self.guest.process.returncode or 0
            observation.exit_code = returncode
            if returncode != 0 and (failure := self.engine.diagnose(returncode, record.stderr)):
                observation.failure, observation.message = failure
        self.guest.stop()
        self.guest = None

    def close(self) -> None:
        for guest in (self.guest, self.spare):
            if guest is not None:
                guest.stop()
        self.guest = self.spare = None


@dataclass
class Served:
    server: processes.Server
    port: int | None = None
    failure: Failure | None = None

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.server.stop()


class ServerSession(Session):
    """`fresh`: a new server for every case, for a guest that answers one request per instance
    (StarlingMonkey's fetch event, on an engine that serves every request from one instance)."""

    def __init__(self, engine: Runnable, env: Mapping[str, str], timeout: float, fresh: bool = False) -> None:
        super().__init__(engine, env, timeout)
        self.fresh = fresh
        self.origin = CaseOrigin().__enter__()
        self.env["PORTCHECK_ORIGIN"] = self.origin.url
        self.served: Served | None = None
        self.spare: Served | None = None

    def launch(self) -> Served:
        self.starts += 1
        invocation = self.engine.server(self.env)
        return Served(processes.Server(invocation.argv, invocation.env, invocation.cwd).__enter__())

    def listening(self, served: Served) -> Served:
        """Wait (once) until the server accepts connections; its failure if it never does."""
        if served.port is None and served.failure is None:
            port = served.server.wait_for(self.engine.listening_port, timeout=STARTUP_TIMEOUT)
            alive = served.server.alive
            if port is None or not processes.wait_accepting(HOST, port, STARTUP_TIMEOUT, alive):
                served.failure = startup_failure(self.engine, served.server, STARTUP_TIMEOUT)
                served.stop()
            else:
                served.port = port
        return served

    def run(self, request: ScriptedRequest) -> Observation:
        """One exchange; when the server refused it, once more on a fresh one: a server that died
        after the last case had its response (a crash later on) refuses any request, and that
        death is not this case's."""
        observation = self.exchange(request)
        if observation.exchanges and observation.exchanges[0].failure == "refused":
            again = self.exchange(request)
            if again.exchanges and again.exchanges[0].alive_after:
                return again
        return observation

    def exchange(self, request: ScriptedRequest) -> Observation:
        observation = Observation(kind="server", endpoints=self.endpoints())
        if self.served is None or not self.served.server.alive():
            spare = self.deaths or self.fresh
            self.served, self.spare = self.spare or self.launch(), (self.launch() if spare else None)
        served = self.listening(self.served)
        if served.failure is not None or served.port is None:
            observation.failure, observation.message = served.failure or Failure("crash", "no port")
            self.served = None
            return observation
        self.origin.load({}, ())
        exchange = driver.send(request, HOST, served.port, self.timeout)
        exchange.alive_after = self.still_serving(served, exchange)
        observation.exchanges = [exchange]
        observation.origin_requests = self.origin.case_requests()
        observation.endpoints.append((SERVER_AUTHORITY, f"{HOST}:{served.port}"))
        if not exchange.alive_after or self.fresh:
            self.deaths += not exchange.alive_after
            served.stop()
            self.served = None
        return observation

    def endpoints(self) -> list[tuple[str, str]]:
        return [(ORIGIN, self.origin.url), (ORIGIN_AUTHORITY, self.origin.authority)]

    def still_serving(self, served: Served, exchange: Exchange) -> bool:
        """After a failed exchange: does the server answer anything? If not, it is dead (or dying)."""
        assert served.port is not None
        if exchange.failure is None:
            return served.server.alive()
        probe = driver.send(ScriptedRequest("GET", ALIVE_PATH), HOST, served.port, self.timeout)
        if probe.failure is None and served.server.alive():
            return True
        served.server.wait_exit(ALIVE_GRACE)
        return False

    def close(self) -> None:
        for served in (self.served, self.spare):
            if served is not None:
                served.stop()
        self.served = self.spare = None
        self.origin.close()
