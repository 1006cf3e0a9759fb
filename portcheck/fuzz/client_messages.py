"""client-messages: generated origin responses, as the generic client guest sees them.

A case is the request the guest sends (GET mostly, HEAD or a small POST sometimes) and the
exact bytes the origin answers with: any status (out-of-range ones too, and interim 1xx before
a final one), a header section with repeats, every case and every byte, a body framed by
Content-Length (right or wrong, or an odd value), chunked (cut into chunks, with trailers) or
by closing the connection, and an ending: an orderly close, a reset, or a stall, either after
everything or in the middle.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import ClassVar

from hypothesis import strategies as st

from portcheck.fuzz.interface import ClientInput, Generator, Table
from portcheck.fuzz.values import Vocabulary, chunk_sizes, weighted
from portcheck.model.scenario import OriginResponse

CRLF = b"\r\n"
PATH = "/fuzz"
ACTIONS = {"close": "respond-close", "reset": "respond-reset", "stall": "respond-stall"}
STALL_TIMEOUT_MS = 400  # the guest's first-byte and between-bytes timeouts when the origin stalls
ODD_STATUSES = (0, 1, 99, 600, 999, 1000, 65535)
ODD_LENGTHS = ("5, 5", "+5", " 5", "5 5", "-1", "0x5", "99999999999999999999", "")
TRANSFER_CODINGS = ("chunked", "Chunked", "gzip, chunked", "chunked, chunked", "chunked;q=1", "identity")


@dataclass(frozen=True)
class Message:
    status: int
    reason: str
    headers: tuple[tuple[str, bytes], ...]
    framing: str  # content-length, chunked or close
    body: bytes
    length_change: int = 0  # the declared Content-Length minus the body's length
    length_text: str | None = None  # an odd Content-Length value instead of the number
    coding: str = "chunked"  # the Transfer-Encoding value of a chunked body
    chunks: tuple[int, ...] = ()
    trailers: tuple[tuple[str, bytes], ...] = ()
    ending: str = "close"  # close, reset or stall
    cut: int | None = None  # only this many bytes after the head are sent


@dataclass(frozen=True)
class ClientCase:
    method: str
    message: Message


def reason_for(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def line(name: str, value: bytes) -> bytes:
    return name.encode("utf-8") + b": " + value + CRLF


def payload(message: Message) -> bytes:
    """What follows the head: the body as framed, trailers and all."""
    if message.framing != "chunked":
        return message.body
    data, start = bytearray(), 0
    for size in message.chunks or ((len(message.body),) if message.body else ()):
        data += f"{size:x}".encode() + CRLF + message.body[start : start + size] + CRLF
        start += size
    data += b"0" + CRLF + b"".join(line(name, value) for name, value in message.trailers) + CRLF
    return bytes(data)


def framing_lines(message: Message) -> list[tuple[str, bytes]]:
    if message.framing == "content-length":
        declared = message.length_text or str(len(message.body) + message.length_change)
        return [("Content-Length", declared.encode())]
    if message.framing == "chunked":
        return [("Transfer-Encoding", message.coding.encode())]
    return []


def wire(message: Message) -> bytes:
    """The exact bytes the origin sends."""
    interim = b""
    if 100 <= message.status < 200 and message.status != 101:
        # An interim response, then a final one: what a client must skip over.
        interim = f"HTTP/1.1 {message.status} {message.reason}".encode("latin-1") + CRLF
        interim += b"".join(line(name, value) for name, value in message.headers) + CRLF
        message = Message(
            200, "OK", (), message.framing, message.body, chunks=message.chunks, ending=message.ending
        )
    head = f"HTTP/1.1 {message.status} {message.reason}".encode("latin-1") + CRLF
    head += b"".join(line(name, value) for name, value in [*message.headers, *framing_lines(message)]) + CRLF
    rest = payload(message)
    return interim + head + (rest if message.cut is None else rest[: message.cut])


def message_strategy(words: Vocabulary, statuses: tuple[int, ...]) -> st.SearchStrategy[Message]:
    """Every origin response, each part's strategy made once."""
    status = weighted(
        (60, st.just(200)),
        (25, st.sampled_from((201, 204, 206, 301, 304, 400, 404, 410, 500, 503, *statuses))),
        (10, st.integers(100, 599)),
        (5, st.sampled_from(ODD_STATUSES)),
    )
    odd_reason = weighted((90, st.none()), (10, st.sampled_from(("", "Whatever", "caf\xe9", "A\tB"))))
    framing = weighted((55, st.just("content-length")), (30, st.just("chunked")), (15, st.just("close")))
    # What leaves a body incomplete (a longer Content-Length, a cut, a reset, a stall) is rare: one
    # engine crashes on every such body, and restarting it costs a second of a core each time.
    change = weighted((996, st.just(0)), (4, st.integers(-3, 3)))
    odd_length = weighted((95, st.none()), (5, st.sampled_from(ODD_LENGTHS)))
    coding = weighted((90, st.just("chunked")), (10, st.sampled_from(TRANSFER_CODINGS)))
    # Trailers with odd names or values take one engine down on every body: mostly plain ones.
    tame = st.lists(
        st.tuples(
            st.sampled_from(("x-checksum", "x-count", "server-timing")), st.sampled_from((b"1", b"abc"))
        ),
        min_size=1,
        max_size=2,
    ).map(tuple)
    trailers = weighted((60, st.just(())), (34, tame), (6, words.lines(3)))
    ending = weighted((994, st.just("close")), (3, st.just("reset")), (3, st.just("stall")))
    cut_at = weighted((997, st.none()), (3, st.integers(0, 999)))

    @st.composite
    def messages(draw: st.DrawFn) -> Message:
        code = draw(status)
        reason = draw(odd_reason)
        message = Message(
            code,
            reason_for(code) if reason is None else reason,
            draw(words.lines()),
            draw(framing),
            draw(words.bodies),
        )
        # Every part is drawn whatever the framing, so that the shrinker can change the framing
        # without every later choice meaning something else.
        length_change, length_text = draw(change), draw(odd_length)
        chunk_cuts, chunk_coding, chunk_trailers = draw(words.cuts), draw(coding), draw(trailers)
        if message.framing == "content-length":
            message = replace(message, length_change=length_change, length_text=length_text)
        elif message.framing == "chunked":
            chunks = chunk_sizes(len(message.body), chunk_cuts)
            message = replace(message, coding=chunk_coding, chunks=chunks, trailers=chunk_trailers)
        message = replace(message, ending=draw(ending))
        at = draw(cut_at)
        return message if at is None else replace(message, cut=len(payload(message)) * at // 1000)

    return messages()


class ClientMessages(Generator):
    name = "client-messages"
    kind = "client"
    summary = "generated origin responses (status, header lines, framing, trailers, resets, stalls)"
    guests: ClassVar[dict[str, str | None]] = {
        "python": "guests_fuzz/client.py",
        "javascript": "guests_fuzz_js/client.js",
    }

    @functools.cached_property
    def cases(self) -> st.SearchStrategy[ClientCase]:
        method = weighted((80, st.just("GET")), (10, st.just("HEAD")), (10, st.just("POST")))
        return st.builds(ClientCase, method, message_strategy(Vocabulary(self.seeds), self.seeds.statuses))

    def strategy(self) -> st.SearchStrategy[ClientCase]:
        return self.cases

    def instruction(self, case: ClientCase) -> dict[str, object]:
        instruction: dict[str, object] = {"method": case.method, "path": PATH}
        if case.method == "POST":
            instruction["body"] = "ping"
        if case.message.ending == "stall":
            instruction["first_byte_ms"] = instruction["between_bytes_ms"] = STALL_TIMEOUT_MS
        return instruction

    def responses(self, case: ClientCase) -> tuple[OriginResponse, ...]:
        return (OriginResponse(status=200, raw=wire(case.message), action=ACTIONS[case.message.ending]),)

    def session_input(self, case: ClientCase) -> ClientInput:
        return ClientInput(self.instruction(case), self.responses(case))

    def scenario_table(self, case: ClientCase) -> Table:
        response = {"raw": wire(case.message).decode("latin-1"), "action": ACTIONS[case.message.ending]}
        return {
            "env": {"PORTCHECK_FUZZ_CASE": json.dumps(self.instruction(case))},
            "origin": {"response": [response]},
        }

    def seed_cases(self) -> list[ClientCase]:
        """Each origin response of the user's own client scenarios, as the origin would send it."""
        found = []
        for scenario in self.seeds.scenarios:
            if scenario.kind != "client" or scenario.origin is None:
                continue
            for response in scenario.origin.responses:
                if response.raw is not None or response.action not in ("respond", "respond-close"):
                    continue
                chunked = response.trailers is not None
                headers = tuple(
                    (name, value.encode("utf-8", "surrogateescape")) for name, value in response.headers
                )
                trailers = tuple(
                    (n, v.encode("utf-8", "surrogateescape")) for n, v in response.trailers or ()
                )
                framing = "chunked" if chunked else "content-length"
                message = Message(
                    response.status,
                    reason_for(response.status),
                    headers,
                    framing,
                    response.body,
                    trailers=trailers,
                )
                found.append(ClientCase("GET", message))
        return found

    def describe(self, case: ClientCase) -> list[str]:
        ending = {"close": "then closes", "reset": "then resets", "stall": "then stalls"}
        cut = "" if case.message.cut is None else f" (only the first {case.message.cut} bytes after the head)"
        return [
            f"the guest sends {case.method} {PATH}; the origin answers with these bytes{cut}, "
            f"{ending[case.message.ending]} the connection:",
            *shown_wire(wire(case.message)),
        ]


def shown_wire(data: bytes) -> list[str]:
    """Bytes as lines a person can read: each line's bytes escaped, CRLF kept as the line end."""
    lines = data.split(b"\n")
    shown = []
    for index, part in enumerate(lines):
        ending = "\\n" if index < len(lines) - 1 else ""
        line = escape(part) + ending
        shown.append(line if len(line) <= 200 else f"{line[:200]}... ({len(part)} bytes)")
    return [text for text in shown if text]


def escape(data: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F and b != 0x5C else f"\\x{b:02x}" for b in data)
