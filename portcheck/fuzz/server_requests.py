"""server-requests: generated incoming requests, and responses the echo guest builds as told.

A case is one request, sent exactly so (method, target, header lines, Host, body), and, for the
generic echo guest, an instruction for its response (status, header lines, Content-Length right
or wrong, how the body is written, trailers, or an error-code, no response or a trap instead),
carried in a `portcheck-instruction` header. A user's own server gets the requests alone.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import ClassVar

from hypothesis import strategies as st

from portcheck.fuzz.interface import Generator, Table
from portcheck.fuzz.seeds import Seeds
from portcheck.fuzz.values import Vocabulary, chunk_sizes, weighted
from portcheck.model.scenario import ScriptedRequest

CRLF = b"\r\n"
INSTRUCTION = "portcheck-instruction"
METHODS = (
    "POST",
    "PUT",
    "DELETE",
    "HEAD",
    "OPTIONS",
    "PATCH",
    "get",
    "post",
    "PURGE",
    "pUrGe",
    "FROB",
    "M-SEARCH",
)
SEGMENTS = (
    "a",
    "fuzz",
    "%20",
    "%zz",
    "%2F",
    "..",
    ".",
    "",
    "caf\xe9",
    "a;b=c",
    "~x",
    "\x7f",
    "\x01",
    '"',
    "{x}",
    "|",
)
QUERIES = ("", "?", "?x=1", "?x=1&x=2", "?a=%", "?\xe9")
ABSOLUTE = ("http://example.com/abs?x=1", "http://example.com:81/", "https://example.com/", "http://[::1]/")
HOSTS = (
    "example.com",
    "example.com:8080",
    "",
    "a b",
    "[::1]:80",
    "user@example.com",
    "EXAMPLE.com",
    "127.0.0.1:1",
)
STATUSES = (200, 201, 204, 206, 304, 400, 404, 418, 500, 599, 600, 999)
ODD_STATUSES = (0, 99, 1000, 65535)
OUTCOMES = ("error:internal-error", "error:http-request-denied", "trap-before", "trap-mid-body", "no-finish")


@dataclass(frozen=True)
class Instruction:
    status: int = 200
    headers: tuple[tuple[str, bytes], ...] = ()
    content_length: str | int | None = None  # "exact", or bytes more (+) or fewer (-) than written
    writes: tuple[int, ...] = ()
    trailers: tuple[tuple[str, bytes], ...] | None = None
    body: bytes = b""
    outcome: str = "respond"

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {"status": self.status}
        if self.headers:
            data["headers"] = [[name, value.decode("latin-1")] for name, value in self.headers]
        for key in ("content_length", "trailers", "outcome"):
            value = getattr(self, key)
            if value not in (None, "respond"):
                data[key] = [[n, v.decode("latin-1")] for n, v in value] if key == "trailers" else value
        if self.writes:
            data["writes"] = list(self.writes)
        if self.body:
            data["body"] = self.body.decode("latin-1")
        return data


@dataclass(frozen=True)
class ServerCase:
    method: str
    target: str
    headers: tuple[tuple[str, bytes], ...]
    body: bytes  # sent exactly, after the head (already chunk-framed when chunked)
    host: bool = True  # add a Host header when the lines have none
    instruction: Instruction | None = None


def clipped(line: str, width: int = 200) -> str:
    return line if len(line) <= width else f"{line[:width]}... ({len(line)} characters)"


def chunked_body(data: bytes, sizes: tuple[int, ...], trailers: tuple[tuple[str, bytes], ...]) -> bytes:
    framed, start = bytearray(), 0
    for size in sizes or ((len(data),) if data else ()):
        framed += f"{size:x}".encode() + CRLF + data[start : start + size] + CRLF
        start += size
    framed += b"0" + CRLF + b"".join(n.encode() + b": " + v + CRLF for n, v in trailers) + CRLF
    return bytes(framed)


def target_strategy(seeds: Seeds) -> st.SearchStrategy[str]:
    origin_form = st.lists(st.sampled_from(SEGMENTS), min_size=1, max_size=4).map(
        lambda parts: "/" + "/".join(parts)
    )
    other = st.sampled_from((*ABSOLUTE, "*", *seeds.paths))
    path = weighted((50, st.just("/fuzz")), (35, origin_form), (15, other))
    long = st.integers(1000, 9000).map(lambda size: "?x=" + "q" * size)
    query = weighted((60, st.just("")), (36, st.sampled_from(QUERIES)), (4, long))
    return st.tuples(path, query).map(lambda pair: pair[0] + ("" if pair[0] == "*" else pair[1]))


def body_strategy(words: Vocabulary) -> st.SearchStrategy[tuple[tuple[tuple[str, bytes], ...], bytes]]:
    """The framing lines and the bytes of a request body: none, Content-Length, or chunked."""
    kinds = weighted(
        (45, st.just("none")), (30, st.just("content-length")), (22, st.just("chunked")), (3, st.just("both"))
    )
    trailers = weighted((60, st.just(())), (40, words.lines(2)))

    @st.composite
    def framed(draw: st.DrawFn) -> tuple[tuple[tuple[str, bytes], ...], bytes]:
        # Every part is drawn whatever the kind, so that shrinking the kind keeps later choices' meaning.
        kind, data, cuts, sent_trailers = draw(kinds), draw(words.bodies), draw(words.cuts), draw(trailers)
        if kind == "none":
            return (), b""
        length = ("Content-Length", str(len(data)).encode())
        if kind == "content-length":
            return (length,), data
        body = chunked_body(data, chunk_sizes(len(data), cuts), sent_trailers)
        lines: tuple[tuple[str, bytes], ...] = (("Transfer-Encoding", b"chunked"),)
        # Content-Length beside chunked: RFC 9112 6.3 says chunked wins (or the server rejects it).
        return ((length, *lines) if kind == "both" else lines), body

    return framed()


def instruction_strategy(words: Vocabulary) -> st.SearchStrategy[Instruction]:
    return st.builds(
        Instruction,
        # A status that does not fit three digits takes one engine's server down: rare (see below).
        status=weighted(
            (600, st.just(200)), (399, st.sampled_from(STATUSES)), (1, st.sampled_from(ODD_STATUSES))
        ),
        headers=words.lines(),
        content_length=weighted((700, st.none()), (295, st.just("exact")), (5, st.sampled_from((-3, 3)))),
        writes=weighted(
            (70, st.just(())), (30, st.lists(st.integers(1, 64), min_size=1, max_size=3).map(tuple))
        ),
        trailers=weighted((75, st.none()), (25, words.lines(2))),
        body=weighted((60, st.just(b"")), (40, words.bodies)),
        # An error, a trap or an unfinished body takes one engine's server down: rare, so that
        # restarting it does not eat the run (each costs a second or two of a core).
        outcome=weighted((995, st.just("respond")), (5, st.sampled_from(OUTCOMES))),
    )


class ServerRequests(Generator):
    name = "server-requests"
    kind = "server"
    summary = "generated incoming requests (methods, targets, header lines, Host, bodies) and responses"
    guests: ClassVar[dict[str, str | None]] = {
        "python": "guests_fuzz/server.py",
        "javascript": "guests_fuzz_js/server.js",
    }
    single_request: ClassVar[frozenset[str]] = frozenset({"javascript"})

    @functools.cached_property
    def cases(self) -> st.SearchStrategy[ServerCase]:
        words = Vocabulary(self.seeds)
        method = weighted((50, st.just("GET")), (50, st.sampled_from(METHODS + self.seeds.methods)))
        host = weighted(
            (80, st.just(None)), (14, st.sampled_from(HOSTS)), (3, st.just("twice")), (3, st.just("none"))
        )
        target, body = target_strategy(self.seeds), body_strategy(words)
        instruction = (
            weighted((40, st.none()), (60, instruction_strategy(words))) if self.generic else st.none()
        )

        @st.composite
        def cases(draw: st.DrawFn) -> ServerCase:
            verb, path, headers, where = draw(method), draw(target), draw(words.lines()), draw(host)
            if where == "twice":
                headers = (("Host", b"example.com"), ("Host", b"example.org"), *headers)
            elif where not in (None, "none"):
                headers = (("Host", where.encode()), *headers)
            framing, data = draw(body)
            return ServerCase(verb, path, (*headers, *framing), data, where != "none", draw(instruction))

        return cases()

    def strategy(self) -> st.SearchStrategy[ServerCase]:
        return self.cases

    def seed_cases(self) -> list[ServerCase]:
        """Each request of the user's own server scenarios, sent as written."""
        found = []
        for scenario in self.seeds.scenarios:
            if scenario.kind != "server":
                continue
            for request in scenario.requests:
                encoding = "latin-1" if request.header_encoding == "latin-1" else "utf-8"
                headers = tuple(
                    (name, value.encode(encoding, "surrogateescape" if encoding == "utf-8" else "replace"))
                    for name, value in request.headers
                )
                found.append(ServerCase(request.method, request.path, headers, request.body, request.host))
        return found

    def request(self, case: ServerCase) -> ScriptedRequest:
        lines = [(name, value.decode("latin-1")) for name, value in case.headers]
        if case.instruction is not None:
            lines.append((INSTRUCTION, json.dumps(case.instruction.to_json())))
        return ScriptedRequest(
            case.method, case.target, tuple(lines), case.body, header_encoding="latin-1", host=case.host
        )

    def session_input(self, case: ServerCase) -> ScriptedRequest:
        return self.request(case)

    def scenario_table(self, case: ServerCase) -> Table:
        request = self.request(case)
        table: Table = {
            "method": request.method,
            "path": request.path,
            "headers": [list(h) for h in request.headers],
        }
        table["header_encoding"] = "latin-1"
        if not request.host:
            table["host"] = False
        if request.body:
            table["body"] = request.body
        return {"request": [table]}

    def describe(self, case: ServerCase) -> list[str]:
        request = self.request(case)
        lines = [clipped(f"{request.method} {request.path!r}")]
        lines += [clipped(f"{name}: {value!r}") for name, value in request.headers]
        if not request.host:
            lines.append("(no Host line)")
        if request.body:
            lines.append(f"body: {request.body[:200]!r}{'...' if len(request.body) > 200 else ''}")
        return lines
