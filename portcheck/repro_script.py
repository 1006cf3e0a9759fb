#!/usr/bin/env python3
"""Reproduce one portcheck scenario with the engines' own command lines, no portcheck needed.

    python3 repro.py                 # every engine in scenario.json, one after another
    python3 repro.py jco             # just one
    WASMTIME=/path/to/wasmtime JCO="npx jco" python3 repro.py

Needs Python 3.11+ and the engines. The origin server (for a client) and the request sender
(for a server) are portcheck's own, copied into vendor/, so they behave exactly as in the run
that found the divergence.
"""

from __future__ import annotations

import json
import os
import shlex
import socket
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "vendor"))

from portcheck import procs  # noqa: E402
from portcheck.config import Origin, OriginResponse, ScriptedRequest  # noqa: E402
from portcheck.fixtures import driver  # noqa: E402
from portcheck.fixtures.origin import OriginServer  # noqa: E402
from portcheck.observations import Exchange, Observation, body_from_json  # noqa: E402
from portcheck.projection import project  # noqa: E402

SCENARIO = json.loads((HERE / "scenario.json").read_text())
TOOLS = {"wasmtime": "WASMTIME", "jco": "JCO"}  # the program a command starts, and the variable overriding it


def tool(name: str) -> list[str]:
    """The command for a tool: $WASMTIME / $JCO if set (may be several words), else its name."""
    return shlex.split(os.environ.get(TOOLS.get(name, name.upper()), name))


def fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def command(spec: dict[str, object], values: dict[str, str]) -> tuple[list[str], dict[str, str]]:
    argv = [fill(str(word), values) for word in spec["argv"]]  # type: ignore[union-attr]
    env = {name: fill(str(value), values) for name, value in spec["env"].items()}  # type: ignore[union-attr]
    return tool(argv[0]) + argv[1:], dict(os.environ, **env)


def origin() -> Origin | None:
    data = SCENARIO["origin"]
    if data is None:
        return None
    responses = tuple(
        OriginResponse(
            status=item["status"],
            headers=tuple(map(tuple, item["headers"])),
            body=body_from_json(item["body"]) or b"",
            trailers=None if item["trailers"] is None else tuple(map(tuple, item["trailers"])),
            header_encoding=item["header_encoding"],
            action=item["action"],
        )
        for item in data["responses"]
    )
    return Origin(responses=responses, refuse=data["refuse"], blackhole=data["blackhole"], host=data["host"])


def requests(origin_url: str) -> list[ScriptedRequest]:
    return [
        ScriptedRequest(
            method=item["method"],
            path=item["path"].replace("{origin}", origin_url),
            headers=tuple((name, value.replace("{origin}", origin_url)) for name, value in item["headers"]),
            body=(body_from_json(item["body"]) or b"").replace(b"{origin}", origin_url.encode()),
            header_encoding=item["header_encoding"],
        )
        for item in SCENARIO["requests"]
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_client(spec: dict[str, object], origin_url: str) -> Observation:
    argv, env = command(spec, {"origin": origin_url})
    print("$ " + shlex.join(argv))
    finished = procs.run(argv, env, timeout=SCENARIO["timeout"], cwd=HERE)
    return Observation(
        kind="client",
        exit_code=finished.returncode,
        stdout=finished.stdout.decode("utf-8", "replace"),
        stderr=finished.stderr.decode("utf-8", "replace"),
        failure="timeout" if finished.timed_out else None,
    )


def run_server(spec: dict[str, object], origin_url: str) -> Observation:
    for _attempt in range(5):  # the engines take a port number: retry if it was taken meanwhile
        port = free_port()
        argv, env = command(spec, {"origin": origin_url, "port": str(port)})
        with procs.Server(argv, env, cwd=HERE) as server:
            if not procs.wait_accepting("127.0.0.1", port, SCENARIO["timeout"], server.alive):
                continue
            print("$ " + shlex.join(argv))
            exchanges = [send(request, port, server) for request in requests(origin_url)]
            server.stop()
            return Observation(kind="server", exchanges=exchanges, stderr=server.output("stderr"))
    return Observation(kind="server", failure="crash", message="the server never accepted connections")


def send(request: ScriptedRequest, port: int, server: procs.Server) -> Exchange:
    exchange = driver.send(request, "127.0.0.1", port, timeout=SCENARIO["timeout"])
    exchange.alive_after = server.alive() if exchange.failure is None else not server.wait_exit(2.0)
    return exchange


def reproduce(engine: str) -> None:
    spec = SCENARIO["engines"][engine][SCENARIO["kind"]]
    with OriginServer(origin_spec) if (origin_spec := origin()) else _Nothing() as server:
        url = server.url if server else ""
        started = time.monotonic()
        observation = run_client(spec, url) if SCENARIO["kind"] == "client" else run_server(spec, url)
        if server:
            observation.origin_requests = server.recorded()
    print(f"({time.monotonic() - started:.2f} s)")
    for field, value in project(observation).items():
        print(f"  {field}: {value}".replace("\n", "\n      "))
    if observation.stderr.strip():
        print("  stderr: " + observation.stderr.strip().replace("\n", "\n      "))


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *_exc: object) -> None:
        return None


def main() -> None:
    procs.install_handlers()
    chosen = sys.argv[1:] or list(SCENARIO["engines"])
    for engine in chosen:
        if engine not in SCENARIO["engines"]:
            sys.exit(f"repro.py: no engine {engine!r} here (one of: {', '.join(SCENARIO['engines'])})")
    print(f"scenario {SCENARIO['scenario']} ({SCENARIO['kind']})")
    for engine in chosen:
        print(f"\n=== {engine}")
        reproduce(engine)


if __name__ == "__main__":
    main()
