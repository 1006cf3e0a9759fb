"""`[[scenario]]` tables (and built-in scenario files) into Scenario values."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from portcheck import toolchains
from portcheck.errors import InputError
from portcheck.matrix.toml import TIMEOUT_LIMIT, Table, describe
from portcheck.model import fields
from portcheck.model.scenario import (
    CHECKS,
    HANDSHAKES,
    HEADER_ENCODINGS,
    KINDS,
    LEVELS,
    ORIGIN_ACTIONS,
    WASI_VERSIONS,
    Expectation,
    Normalize,
    Origin,
    OriginResponse,
    Scenario,
    ScriptedRequest,
)

EXPECTED_KEYS = ("field", "spec", "level", *CHECKS)
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
METHOD_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 5.6.2 token
SCENARIO_KEYS = (
    "name",
    "kind",
    "description",
    "component",
    "source",
    "build",
    "env",
    "origin",
    "request",
    "normalize",
    "timeout",
    "expected",
    "concurrent",
    "wasi",
    "twin",
)
REQUEST_KEYS = ("method", "path", "headers", "body", "body_file", "header_encoding", "host", "handshake")
ORIGIN_KEYS = ("response", "refuse", "blackhole", "host", "sorted_requests")
RESPONSE_KEYS = ("status", "headers", "body", "body_file", "trailers", "header_encoding", "action", "raw")
# What a raw response can be combined with, and what it replaces.
RAW_ACTIONS = ("respond", "respond-close", "respond-reset", "respond-stall", "handshake")
RAW_REPLACES = ("status", "headers", "body", "body_file", "trailers", "header_encoding")
# `source = "builtin:guests_fuzz/client.py"` names a guest shipped in portcheck/scenarios/.
BUILTIN_SOURCE = "builtin:"
SCENARIOS_DIR = Path(__file__).resolve().parent.parent / "scenarios"


def parse_scenario(
    data: dict[str, Any], file: Path, key: str, timeout: float, builtin: bool = False
) -> Scenario:
    table = Table(data, file, key, SCENARIO_KEYS)
    name = table.require("name", str, "a scenario name")
    if not NAME_PATTERN.match(name):
        table.fail("name", f"expected letters, digits, '.', '_' or '-', got {name!r}")
    table.key = f'scenario "{name}"' if not builtin else ""
    kind = table.require("kind", str, '"client" or "server"')
    if kind not in KINDS:
        table.fail("kind", f'expected "client" or "server", got {kind!r}')
    component, source, build = parse_component_source(table, file.parent)
    requests = tuple(
        parse_request(Table(t, file, f"{table.where('request')}[{i}]", REQUEST_KEYS))
        for i, t in enumerate(table.tables("request"))
    )
    if kind == "server" and not requests:
        table.fail("request", "a server scenario needs at least one [[scenario.request]]")
    if kind == "client" and requests:
        table.fail(
            "request", "only server scenarios take [[scenario.request]]; a client makes its own requests"
        )
    origin = parse_origin(table)
    check_handshakes(table, requests, origin)
    wasi, twin = parse_wasi(table)
    return Scenario(
        name=name,
        kind=kind,
        defined_in=file,
        description=table.string("description", "") or "",
        component=component,
        source=source,
        build=build,
        env=parse_env(table),
        origin=origin,
        requests=requests,
        normalize=parse_normalize(table),
        timeout=table.number("timeout", timeout, TIMEOUT_LIMIT),
        builtin=builtin,
        expected=parse_expected(table),
        concurrent=table.flag("concurrent"),
        wasi=wasi,
        twin=twin,
    )


def parse_wasi(table: Table) -> tuple[str, str | None]:
    """`wasi = "0.2"` or `"0.3"`, and a 0.3 scenario's `twin` (checked against the matrix in load.py)."""
    choices = " or ".join(f'"{version}"' for version in WASI_VERSIONS)
    wasi = table.get("wasi", str, f'{choices}, a string (wasi = "0.3")', WASI_VERSIONS[0])
    if wasi not in WASI_VERSIONS:
        table.fail("wasi", f"expected {choices}, got {wasi!r}")
    twin = table.string("twin")
    if twin is not None and wasi != "0.3":
        table.fail("twin", 'only a wasi = "0.3" scenario names a twin: the WASI 0.2 scenario it mirrors')
    return wasi, twin


def parse_component_source(table: Table, base: Path) -> tuple[Path | None, Path | None, str | None]:
    component, source, build = table.string("component"), table.string("source"), table.string("build")
    suffixes = "/".join(f'"x{suffix}"' for suffix in toolchains.SUFFIXES)
    if (component is None) == (source is None):
        table.fail("component", f'expected exactly one of component = "x.wasm" or source = {suffixes}')
    if build is not None and source is None:
        table.fail("build", 'a build command needs source = "..." to build from')
    if build is not None and "{output}" not in build:
        table.fail("build", "expected a command containing {output} (and usually {source})")
    name = "component" if component is not None else "source"
    if source is not None and source.startswith(BUILTIN_SOURCE):
        base, source = SCENARIOS_DIR, source.removeprefix(BUILTIN_SOURCE)
    path = (base / (component or source or "")).resolve()
    if not path.is_file():
        table.fail(name, f"no such file: {path}")
    if source is not None and build is None and path.suffix not in toolchains.SUFFIXES:
        expected = " or ".join(toolchains.SUFFIXES)
        table.fail(
            "source", f'expected a {expected} file, or a build = "..." command for {path.suffix or "it"}'
        )
    return (path, None, None) if component is not None else (None, path, build)


# Linux's MAX_ARG_STRLEN: engines take env as `--env=NAME=value` arguments, and no exec passes a
# longer one (E2BIG) whichever way it travels.
ONE_ARGUMENT_BYTES = 128 * 1024 - 1


def parse_env(table: Table) -> tuple[tuple[str, str], ...]:
    env = table.get("env", dict, 'a table of strings, such as env = { NAME = "value" }', {})
    for name, value in env.items():
        if not name or "=" in name or "\0" in name:
            table.fail(f"env.{name}", "expected an environment variable name without '=' or NUL")
        if not isinstance(value, str):
            table.fail(f"env.{name}", f"expected a string, got {describe(value)}")
        if name == "PORTCHECK_ORIGIN":
            table.fail(f"env.{name}", "is set by portcheck to the origin server's URL")
        room = ONE_ARGUMENT_BYTES - len(f"--env={name}=".encode())
        if (size := len(value.encode())) > room:
            table.fail(
                f"env.{name}",
                f"expected at most {room} bytes (Linux's limit on one argument or variable), "
                f"got {size}; put large input in a file or the origin",
            )
    return tuple(sorted(env.items()))


def parse_origin(table: Table) -> Origin | None:
    data = table.get("origin", dict, "a [scenario.origin] table", None)
    if data is None:
        return None
    origin = Table(data, table.file, table.where("origin"), ORIGIN_KEYS)
    host = origin.one_of("host", ("127.0.0.1", "::1"), "127.0.0.1")
    refuse, blackhole = origin.flag("refuse"), origin.flag("blackhole")
    responses = [
        parse_origin_response(Table(item, table.file, f"{origin.where('response')}[{index}]", RESPONSE_KEYS))
        for index, item in enumerate(origin.tables("response"))
    ]
    if refuse and blackhole:
        origin.fail("blackhole", "an origin cannot both refuse and swallow connections")
    if (refuse or blackhole) and responses:
        origin.fail("response", "an origin that refuses or swallows connections cannot also have responses")
    if not (refuse or blackhole or responses):
        origin.fail("response", "expected at least one [[scenario.origin.response]] (or refuse = true)")
    return Origin(
        responses=tuple(responses),
        refuse=refuse,
        blackhole=blackhole,
        host=host,
        sorted_requests=origin.flag("sorted_requests"),
    )


def check_handshakes(table: Table, requests: tuple[ScriptedRequest, ...], origin: Origin | None) -> None:
    """A handshake needs both halves: a request that confirms, an origin response that waits."""
    confirming = [index for index, request in enumerate(requests) if request.handshake]
    waiting = origin is not None and any(response.action == "handshake" for response in origin.responses)
    if confirming and not waiting:
        table.fail(
            f"request[{confirming[0]}].handshake",
            'needs an [[scenario.origin.response]] with action = "handshake" for the guest to wait on',
        )
    if waiting and not confirming:
        table.fail(
            "origin.response",
            'action = "handshake" waits for a [[scenario.request]] with handshake = "head", "body" or "end"',
        )
    if confirming and table.flag("concurrent"):
        table.fail("concurrent", "handshakes confirm in order: they need the requests sent one after another")


def parse_raw(response: Table) -> bytes:
    """`raw = "HTTP/1.1 200 OK\r\n..."`: one byte per character, U+0000 to U+00FF (latin-1)."""
    for key in RAW_REPLACES:
        if response.has(key):
            response.fail(key, "a raw response is sent exactly as given: leave out status, headers, body...")
    action = response.one_of("action", ORIGIN_ACTIONS, "respond")
    if action not in RAW_ACTIONS:
        response.fail("action", f"a raw response goes with one of {', '.join(RAW_ACTIONS)}, got {action!r}")
    text = response.require("raw", str, "the response's bytes as a string, one character per byte")
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError as error:
        wrong = text[error.start]
        response.fail("raw", f"expected characters U+0000 to U+00FF (one byte each), got {wrong!r}")
        raise


def parse_origin_response(response: Table) -> OriginResponse:
    if response.has("raw"):
        action = response.string("action", "respond") or "respond"
        return OriginResponse(status=200, raw=parse_raw(response), action=action)
    status = response.get("status", int, "an integer status code", 200)
    if not 100 <= status <= 999:
        response.fail("status", f"expected a status code from 100 to 999, got {status}")
    trailers = response.pairs("trailers") if response.has("trailers") else None
    return OriginResponse(
        status=status,
        headers=response.pairs("headers"),
        body=response.body("body"),
        trailers=trailers,
        header_encoding=response.one_of("header_encoding", HEADER_ENCODINGS, "utf-8"),
        action=response.one_of("action", ORIGIN_ACTIONS, "respond"),
    )


LEVEL_EXPECTED = (
    '"must", "should" or "may": the RFC 2119 strength of the rule the spec line states '
    '(a WIT "must" is must); every expectation states one'
)


def parse_expected(table: Table) -> tuple[Expectation, ...]:
    found = []
    for index, item in enumerate(table.tables("expected")):
        entry = Table(item, table.file, f"{table.where('expected')}[{index}]", EXPECTED_KEYS)
        field = entry.require(
            "field", str, 'a field, such as "stdout", "responses[0].status" or "responses[*].status"'
        )
        if problem := fields.problem_with(field):
            entry.fail("field", f"{problem}, got {field!r}")
        checks = [name for name in CHECKS if entry.has(name)]
        if len(checks) != 1:
            entry.fail("field", f"expected exactly one check among {', '.join(CHECKS)}")
        check = checks[0]
        check_value(entry, check)
        spec = entry.require(
            "spec", str, "where the expected answer comes from (an RFC section or WIT doc line)"
        )
        level = entry.require("level", str, LEVEL_EXPECTED)
        if level not in LEVELS:
            entry.fail("level", f"expected {LEVEL_EXPECTED}; got {level!r}")
        found.append(Expectation(field=field, check=check, value=entry.data[check], spec=spec, level=level))
    return tuple(found)


def check_value(entry: Table, check: str) -> None:
    """The value a check compares with has the shape that check needs."""
    value = entry.data[check]
    if check == "matches":
        try:
            re.compile(entry.require("matches", str, "a regular expression"))
        except re.error as error:
            entry.fail("matches", f"invalid regex: {error}")
    if check == "one_of" and not isinstance(value, list):
        entry.fail("one_of", f"expected a list of acceptable values, got {describe(value)}")
    if check == "absent":
        entry.get("absent", bool, "true (the field has no value) or false (it has one)")
    if check == "between" and not (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(bound, int | float) and not isinstance(bound, bool) for bound in value)
        and value[0] <= value[1]
    ):
        entry.fail("between", f"expected [low, high], two numbers with low <= high, got {describe(value)}")


def parse_request(request: Table) -> ScriptedRequest:
    method = request.string("method", "GET") or "GET"
    if not METHOD_TOKEN.fullmatch(method):
        request.fail("method", f"expected an HTTP method token, got {method!r}")
    path = request.string("path", "/") or "/"
    if any(char in path for char in " \r\n"):
        request.fail("path", f"expected a request target without spaces or line breaks, got {path!r}")
    return ScriptedRequest(
        method=method,
        path=path,
        headers=request.pairs("headers"),
        body=request.body("body"),
        header_encoding=request.one_of("header_encoding", HEADER_ENCODINGS, "utf-8"),
        host=request.flag("host", True),
        handshake=request.one_of("handshake", HANDSHAKES, "") if request.has("handshake") else None,
    )


def parse_normalize(table: Table) -> Normalize:
    data = table.get("normalize", dict, "a [scenario.normalize] table", {})
    normalize = Table(data, table.file, table.where("normalize"), ("stdout", "body"))
    masks = {}
    for name in ("stdout", "body"):
        masks[name] = tuple(normalize.strings(name))
        for index, pattern in enumerate(masks[name]):
            try:
                re.compile(pattern)
            except re.error as error:
                raise InputError(
                    table.file, f"{normalize.where(name)}[{index}]", f"invalid regex: {error}"
                ) from None
    return Normalize(stdout=masks["stdout"], body=masks["body"])
