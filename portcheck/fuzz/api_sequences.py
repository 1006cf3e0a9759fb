"""api-sequences: generated sequences of wasi:http calls, run by the interpreter guest.

A case is a sequence of ops over fields, requests, responses, options, bodies, streams and
futures (see portcheck/scenarios/guests_fuzz/ops.py), drawn one op at a time against a model of
which resources are held: most ops take a live resource of the right kind, a few a dropped or
moved one (a use after drop, a drop twice), and drops come in any order (a parent before its
children). Requests go to the origin, which answers every one with the case's response. The
interpreter prints each op and its result; a divergence's signature is the first op whose result
differs, with the results' kinds (ok, an error's WIT name, a resource, a value, or the end of the
run: a trap).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from hypothesis import strategies as st

from portcheck.fuzz import records
from portcheck.fuzz.interface import ClientInput, Generator, Table
from portcheck.fuzz.signature import Element, elements
from portcheck.fuzz.values import weighted
from portcheck.model.observation import Observation
from portcheck.model.report import Difference
from portcheck.model.scenario import OriginResponse

RESPONSES = {
    "plain": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello",
    "trailers": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Sum: 1\r\n\r\n",
    "repeated": (
        b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nX-A: 1\r\nSet-Cookie: b=2\r\nX-A: 2\r\n"
        b"Content-Length: 2\r\n\r\nok"
    ),
    "empty": b"HTTP/1.1 204 No Content\r\n\r\n",
}
STEP = re.compile(r"^(?P<index>\d+): (?P<name>[a-z.-]+)\((?P<args>.*)\) -> (?P<result>.*)$")
SLOT = re.compile(r"^#(\d+)(?: (.+))?$")


@dataclass(frozen=True)
class Op:
    name: str
    args: tuple[
        str, ...
    ] = ()  # resource kinds (F, R, S, O, B, W, FR, IR, IB, IS, FT, any; ? optional) or value kinds
    makes: str | None = None  # the kind of resource it gives
    moves: tuple[int, ...] = ()  # the arguments it takes ownership of
    weight: int = 10


OPS = (
    Op("fields.new", (), "F", weight=30),
    Op("fields.from-list", ("pairs",), "F", weight=15),
    Op("fields.append", ("F", "name", "value"), weight=25),
    Op("fields.set", ("F", "name", "values")),
    Op("fields.delete", ("F", "name")),
    Op("fields.get", ("F", "name"), weight=15),
    Op("fields.has", ("F", "name"), weight=5),
    Op("fields.entries", ("F",), weight=15),
    Op("fields.clone", ("F",), "F"),
    Op("outgoing-request.new", ("F",), "R", (0,), weight=40),
    Op("outgoing-request.headers", ("R",), "F"),
    Op("outgoing-request.set-method", ("R", "method")),
    Op("outgoing-request.set-path-with-query", ("R", "path")),
    Op("outgoing-request.set-scheme", ("R", "scheme"), weight=5),
    Op("outgoing-request.set-authority", ("R", "authority")),
    Op("outgoing-request.read", ("R",), weight=5),
    Op("outgoing-request.body", ("R",), "B", weight=20),
    Op("request-options.new", (), "O", weight=5),
    Op("request-options.set-first-byte-timeout", ("O", "ms"), weight=5),
    Op("request-options.set-between-bytes-timeout", ("O", "ms"), weight=5),
    Op("request-options.first-byte-timeout", ("O",), weight=3),
    Op("outgoing-response.new", ("F",), "S", (0,)),
    Op("outgoing-response.set-status-code", ("S", "status")),
    Op("outgoing-response.status-code", ("S",), weight=5),
    Op("outgoing-response.headers", ("S",), "F", weight=5),
    Op("outgoing-response.body", ("S",), "B"),
    Op("outgoing-body.write", ("B",), "W", weight=15),
    Op("outgoing-body.finish", ("B", "F?"), None, (0, 1), weight=20),
    Op("output-stream.check-write", ("W",), weight=5),
    Op("output-stream.write", ("W", "data")),
    Op("output-stream.blocking-write-and-flush", ("W", "data"), weight=15),
    Op("output-stream.flush", ("W",), weight=5),
    Op("outgoing-handler.handle", ("R", "O?"), "FR", (0, 1), weight=60),
    Op("future-incoming-response.wait", ("FR",), "IR", weight=60),
    Op("incoming-response.status", ("IR",)),
    Op("incoming-response.headers", ("IR",), "F", weight=15),
    Op("incoming-response.consume", ("IR",), "IB", weight=40),
    Op("incoming-body.stream", ("IB",), "IS", weight=40),
    Op("incoming-body.finish", ("IB",), "FT", (0,), weight=25),
    Op("input-stream.read", ("IS", "size")),
    Op("input-stream.blocking-read", ("IS", "size")),
    Op("input-stream.drain", ("IS",), weight=30),
    Op("future-trailers.wait", ("FT",), "F", weight=25),
    Op("drop", ("any",), None, (0,), weight=25),
)
BY_NAME = {op.name: op for op in OPS}
# Calls the WIT allows once per resource: a second one is an error path (and crashes one engine),
# drawn now and then only, not whenever the first was.
ONCE = frozenset(
    {
        "outgoing-request.body",
        "outgoing-response.body",
        "incoming-response.consume",
        "incoming-body.stream",
        "outgoing-body.write",
    }
)
NAMES = ("x-a", "X-A", "set-cookie", "content-type")
ODD_NAMES = ("connection", "host", "transfer-encoding", "te", "bad name", "x-\xe9", "", "x-" + "n" * 300)
VALUES = ("1", "a, b", "", "caf\xe9", "\x00", "v\r\nx-injected: 1", "L" * 5000)


def value_strategies() -> dict[str, st.SearchStrategy[Any]]:
    name = weighted((80, st.sampled_from(NAMES)), (20, st.sampled_from(ODD_NAMES)))
    value = weighted((70, st.sampled_from(VALUES[:3])), (30, st.sampled_from(VALUES[3:])))
    return {
        "name": name,
        "value": value,
        "values": st.lists(value, max_size=3),
        "pairs": st.lists(st.tuples(name, value).map(list), max_size=4),
        "method": weighted(
            (70, st.sampled_from(("GET", "POST", "HEAD"))),
            (30, st.sampled_from(("PUT", "pUrGe", "", "GET /"))),
        ),
        "path": weighted(
            (70, st.sampled_from(("/fuzz", "/fuzz?x=1"))),
            (30, st.sampled_from(("", "no-slash", "/a b", "/%zz", None, "/" + "p" * 5000))),
        ),
        "scheme": weighted((70, st.just("http")), (30, st.sampled_from(("https", "ftp", None)))),
        # Never a host that needs DNS: the origin, a refusing port, or authorities no request can use.
        "authority": weighted(
            (85, st.just("{origin}")),
            (15, st.sampled_from(("", "a b", "127.0.0.1:1", None, "user@{origin}"))),
        ),
        "status": weighted(
            (60, st.sampled_from((200, 204, 404))), (40, st.sampled_from((99, 600, 1000, 65535, 0)))
        ),
        "ms": st.sampled_from((None, 0, 1, 1000)),
        "data": weighted(
            (70, st.sampled_from(("", "hello"))), (30, st.sampled_from(("x" * 4096, "x" * 4097, "x" * 65536)))
        ),
        "size": st.sampled_from((0, 1, 5, 65536)),
    }


@dataclass(frozen=True)
class ApiCase:
    ops: tuple[tuple[Any, ...], ...]
    response: str = "plain"

    def to_json(self) -> dict[str, Any]:
        return {"ops": [packed(list(op)) for op in self.ops]}


def packed(value: Any) -> Any:
    """`value` with each long string as its runs of one character ({"runs": [["x", 65536]]}), which
    the guest's unpack.py expands: `portcheck run` hands a case over in one environment variable,
    and Linux refuses one over 128 KiB, which a few 64 KiB writes would pass."""
    if isinstance(value, list):
        return [packed(item) for item in value]
    if not isinstance(value, str) or len(value) <= PACKED_ABOVE:
        return value
    return {"runs": [[char, len(list(run))] for char, run in itertools.groupby(value)]}


PACKED_ABOVE = 64


def program_strategy() -> st.SearchStrategy[ApiCase]:
    choice = st.integers(0, 10**6)
    length = st.integers(1, 24)
    # A dropped or moved resource, now and then: every engine traps on most such uses, and a trap
    # costs a restart (a second of a core for jco), so they are rare.
    dead = weighted((997, st.just(False)), (3, st.just(True)))
    optional = weighted((60, st.just(False)), (40, st.just(True)))
    response = st.sampled_from(tuple(RESPONSES))
    literal = value_strategies()
    ready = weighted((80, st.just(True)), (20, st.just(False)))

    @st.composite
    def programs(draw: st.DrawFn) -> ApiCase:
        slots: list[tuple[str, bool]] = []  # (kind, held) per op index; kind "" for no resource
        used: set[int] = set()  # resources an op of ONCE was called on
        ops: list[tuple[Any, ...]] = []

        def held(kind: str, alive: bool) -> list[int]:
            fits = (lambda k: k != "") if kind == "any" else (lambda k: k == kind)
            return [i for i, (k, a) in enumerate(slots) if fits(k) and a == alive]

        def emit(op: Op, args: list[Any]) -> None:
            for position in op.moves:
                if position < len(args) and isinstance(args[position], dict):
                    index = args[position]["slot"]
                    slots[index] = (slots[index][0], False)
            ops.append((op.name, *args))
            slots.append((op.makes or "", True))

        for _ in range(draw(length)):
            usable = [
                op
                for op in OPS
                if all(held(a, True) or a.endswith("?") for a in op.args if a[:1].isupper() or a == "any")
            ]
            weights = [op.weight for op in usable]
            number = draw(choice) % sum(weights)
            op = next(o for o, limit in zip(usable, accumulated(weights), strict=True) if number < limit)
            args: list[Any] = []
            for kind in op.args:
                if kind.endswith("?"):
                    options = held(kind[:-1], True)
                    args.append(
                        {"slot": options[draw(choice) % len(options)]} if options and draw(optional) else None
                    )
                elif kind[:1].isupper() or kind == "any":
                    gone = held(kind, False)
                    pool = gone if gone and draw(dead) else held(kind, True)
                    fresh = [i for i in pool if i not in used]
                    if op.name in ONCE and fresh and not draw(dead):
                        pool = fresh  # a second body() (or consume...) now and then only
                    args.append({"slot": pool[draw(choice) % len(pool)]})
                else:
                    args.append(draw(literal[kind]))
            emit(op, args)
            if op.name in ONCE:
                used.add(args[0]["slot"])
            if op.name == "outgoing-request.new" and draw(ready):  # usually a request the origin can answer
                request = {"slot": len(slots) - 1}
                emit(BY_NAME["outgoing-request.set-scheme"], [request, "http"])
                emit(BY_NAME["outgoing-request.set-authority"], [request, "{origin}"])
                emit(BY_NAME["outgoing-request.set-path-with-query"], [request, "/fuzz"])
        return ApiCase(tuple(ops), draw(response))

    return programs()


def accumulated(weights: list[int]) -> list[int]:
    total, found = 0, []
    for weight in weights:
        total += weight
        found.append(total)
    return found


def steps(text: str) -> list[tuple[str, str, str]]:
    """(label, arguments, result) per op line of a transcript; an unfinished last line has result ""."""
    found, made = [], {}
    for line in text.splitlines():
        if line.startswith("cleanup -> "):
            found.append(("cleanup", "", line.removeprefix("cleanup -> ")))
            continue
        step = STEP.match(line + ("" if " -> " in line else " -> "))
        if step is None:
            continue
        result, label = step["result"], step["name"]
        if (slot := SLOT.match(result)) is not None:
            made[slot[1]] = slot[2] or ""
        if label == "drop" and (target := re.match(r"#(\d+)", step["args"])) is not None:
            label = f"drop {made.get(target[1], 'a dropped resource')}"
        found.append((label, step["args"], result))
    return found


def result_class(result: str) -> str:
    if result == "":
        return "the run ended"
    if (slot := SLOT.match(result)) is not None:
        return f"a {slot[2] or 'resource'}"
    if result.startswith("error: "):
        return records.without_payload(result.removeprefix("error: "))
    if result in ("ok", "not ready", "none", "no resource", "no trailers", "True", "False"):
        return result
    return "a value"


class ApiSequences(Generator):
    name = "api-sequences"
    kind = "client"
    summary = "generated sequences of wasi:http calls (build, clone, mutate, bodies, streams, futures, drops)"
    guests: ClassVar[dict[str, str | None]] = {"python": "guests_fuzz/interpreter.py", "javascript": None}
    sorted_requests = True  # a sequence may hand over several requests before it waits for one

    @functools.cached_property
    def cases(self) -> st.SearchStrategy[ApiCase]:
        return program_strategy()

    def strategy(self) -> st.SearchStrategy[ApiCase]:
        return self.cases

    def responses(self, case: ApiCase) -> tuple[OriginResponse, ...]:
        return (OriginResponse(status=200, raw=RESPONSES[case.response], action="respond-close"),)

    def session_input(self, case: ApiCase) -> ClientInput:
        return ClientInput(case.to_json(), self.responses(case))

    def scenario_table(self, case: ApiCase) -> Table:
        response = {"raw": RESPONSES[case.response].decode("latin-1"), "action": "respond-close"}
        return {
            "env": {"PORTCHECK_FUZZ_CASE": json.dumps(case.to_json())},
            "origin": {"response": [response], "sorted_requests": self.sorted_requests},
        }

    def describe(self, case: ApiCase) -> list[str]:
        lines = [
            f"{index}: {name}({', '.join(shown(arg) for arg in args)})"
            for index, (name, *args) in enumerate(case.ops)
        ]
        return [*lines, f"(the origin answers every request with the {case.response!r} response)"]

    def elements(
        self, differences: list[Difference], base: Observation, engine: Observation
    ) -> list[Element]:
        """The first op whose result differs (what follows it follows from it), with how each run
        ended when one of them trapped; other differences as every generator sees them."""
        named = {difference.field for difference in differences}
        if "stdout" not in named:
            return elements(differences, base, engine, self.refine)
        ours, theirs = steps(base.stdout), steps(engine.stdout)
        for index in range(max(len(ours), len(theirs))):
            mine = ours[index] if index < len(ours) else None
            other = theirs[index] if index < len(theirs) else None
            if mine != other:
                label = (mine or other or ("?", "", ""))[0]
                first, second = step_result(mine, base), step_result(other, engine)
                return [Element(f"steps[{label}]: {first} vs {second}", "stdout")]
        rest = [
            difference
            for difference in differences
            if difference.field not in ("stdout", "failure", "exit_code")
        ]
        return elements(rest, base, engine, self.refine)


def step_result(step: tuple[str, str, str] | None, observation: Observation) -> str:
    """What a step gave, as its kind; a step that never finished (or never came) ended the run."""
    if step is None or (not step[2] and observation.failure):
        return ended(observation)
    return result_class(step[2])


def ended(observation: Observation) -> str:
    return f"the run ended ({observation.failure})" if observation.failure else "the run ended"


def shown(arg: Any) -> str:
    text = f"#{arg['slot']}" if isinstance(arg, dict) else repr(arg)
    return text if len(text) <= 60 else f"{text[:40]}...({len(text)} characters)"
