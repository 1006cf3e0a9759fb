"""What an engine was seen to do: plain data, with a lossless JSON form.

Header values and bodies are bytes on the wire. Header values are kept as `str` decoded with
`surrogateescape`, so that any byte sequence survives a JSON round trip and two different byte
sequences never compare equal. Bodies stay `bytes` and are written to JSON as text when they
are valid UTF-8, as base64 otherwise.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

Header = tuple[str, str]
Framing = Literal["content-length", "chunked", "close", "none"]
# Headers engines add themselves, about the connection rather than the message: set aside (as
# notes) when observations are compared.
TRANSPORT_HEADERS = frozenset({"date", "connection", "keep-alive", "transfer-encoding", "server"})
# What stopped an engine from producing a result: the class of an `error` cell.
# "options": the engine refused the options it was started with (a flag it does not know, a bad value).
FailureClass = Literal["build", "options", "compile", "instantiate", "trap", "timeout", "crash"]
# Why a scripted request got no complete response (Exchange.failure); `detail` says more.
TransportFailure = Literal["refused", "no-response", "reset", "incomplete", "timeout", "protocol-error"]


class Failure(NamedTuple):
    """Why an engine run did not end normally, in the engine's own words."""

    failure: FailureClass
    message: str


def decode_header(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def encode_header(text: str) -> bytes:
    return text.encode("utf-8", "surrogateescape")


def printable(text: str) -> str:
    """The text with undecodable bytes shown as \\xNN, safe to print anywhere."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def body_to_json(body: bytes | None) -> dict[str, Any] | None:
    if body is None:
        return None
    try:
        return {"text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(body).decode("ascii")}


def body_from_json(data: dict[str, Any] | None) -> bytes | None:
    if data is None:
        return None
    if "text" in data:
        return str(data["text"]).encode("utf-8")
    return base64.b64decode(data["base64"])


def headers_to_json(headers: list[Header] | None) -> list[list[str]] | None:
    return None if headers is None else [[name, value] for name, value in headers]


def headers_from_json(data: list[list[str]] | None) -> list[Header] | None:
    return None if data is None else [(name, value) for name, value in data]


def map_values(headers: list[Header], change: Callable[[str], str]) -> list[Header]:
    return [(name, change(value)) for name, value in headers]


def map_bytes(data: bytes, change: Callable[[str], str]) -> bytes:
    return encode_header(change(decode_header(data)))


def sorted_requests(requests: list[RecordedRequest]) -> list[RecordedRequest]:
    """Requests in an order of what the judge compares alone: the same requests sort the same on
    every engine, whatever the case of their names or the transport headers each engine adds."""

    def compared(fields: list[Header]) -> list[Header]:
        return sorted(
            (name.lower(), value) for name, value in fields if name.lower() not in TRANSPORT_HEADERS
        )

    return sorted(
        requests, key=lambda r: (r.method, r.target, r.body, compared(r.headers), compared(r.trailers))
    )


@dataclass
class RecordedRequest:
    """A request as the origin server received it off the wire."""

    method: str
    target: str
    headers: list[Header]
    body: bytes
    framing: Framing
    trailers: list[Header] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "target": self.target,
            "headers": headers_to_json(self.headers),
            "body": body_to_json(self.body),
            "framing": self.framing,
            "trailers": headers_to_json(self.trailers),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecordedRequest:
        return cls(
            method=data["method"],
            target=data["target"],
            headers=headers_from_json(data["headers"]) or [],
            body=body_from_json(data["body"]) or b"",
            framing=data["framing"],
            trailers=headers_from_json(data.get("trailers")) or [],
        )


@dataclass
class Exchange:
    """One scripted request sent to a served component, and what came back."""

    request: str  # "GET /path", for people reading the report
    status: int | None = None
    reason: str | None = None
    headers: list[Header] | None = None
    body: bytes | None = None
    framing: Framing | None = None
    trailers: list[Header] | None = None
    failure: TransportFailure | None = None
    detail: str | None = None  # what the failure was, in the words of the code that saw it
    alive_after: bool = True
    # After a response that has no body (HEAD, 204, 304): the bytes that came after its head
    # (none belong there); None for other responses.
    extra: bytes | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "request": self.request,
            "status": self.status,
            "reason": self.reason,
            "headers": headers_to_json(self.headers),
            "body": body_to_json(self.body),
            "framing": self.framing,
            "trailers": headers_to_json(self.trailers),
            "failure": self.failure,
            "detail": self.detail,
            "alive_after": self.alive_after,
            "extra": body_to_json(self.extra),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Exchange:
        return cls(
            request=data["request"],
            status=data["status"],
            reason=data["reason"],
            headers=headers_from_json(data["headers"]),
            body=body_from_json(data["body"]),
            framing=data["framing"],
            trailers=headers_from_json(data.get("trailers")),
            failure=data["failure"],
            detail=data.get("detail"),
            alive_after=data["alive_after"],
            extra=body_from_json(data.get("extra")),
        )


@dataclass
class Observation:
    """Everything seen while one engine ran one scenario.

    `failure` is set when the engine could not run the scenario to an end (it failed to build,
    the engine refused its options or failed to compile or instantiate the component, the guest
    trapped, the run timed out or the engine crashed); `message` then holds the engine's own words.
    """

    kind: Literal["client", "server"]
    failure: FailureClass | None = None
    message: str | None = None
    exit_code: int | None = None
    stdout: str = ""
    stderr: str = ""
    exchanges: list[Exchange] = field(default_factory=list)
    origin_requests: list[RecordedRequest] = field(default_factory=list)
    seconds: float = 0.0
    skipped: str | None = None  # why this engine cannot run this kind of scenario
    # The addresses this run happened to get, as (placeholder, text): the origin's URL and
    # authority, the server's authority. The judge replaces them to compare runs (judge/normalize.py).
    endpoints: list[tuple[str, str]] = field(default_factory=list)

    def map_text(self, change: Callable[[str], str]) -> None:
        """Apply `change` everywhere a component or engine could have echoed some text (an address)."""
        self.stdout, self.stderr = change(self.stdout), change(self.stderr)
        if self.message:
            self.message = change(self.message)
        for exchange in self.exchanges:
            if exchange.headers is not None:
                exchange.headers = map_values(exchange.headers, change)
            if exchange.body is not None:
                exchange.body = map_bytes(exchange.body, change)
            if exchange.extra is not None:
                exchange.extra = map_bytes(exchange.extra, change)
        for request in self.origin_requests:
            request.target = change(request.target)
            request.headers = map_values(request.headers, change)
            request.body = map_bytes(request.body, change)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "failure": self.failure,
            "message": self.message,
            "exit_code": self.exit_code,
            "stdout": self.stdout,
            "stderr": self.stderr,
            "exchanges": [exchange.to_json() for exchange in self.exchanges],
            "origin_requests": [request.to_json() for request in self.origin_requests],
            "seconds": round(self.seconds, 3),
            "skipped": self.skipped,
            "endpoints": [list(pair) for pair in self.endpoints],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Observation:
        return cls(
            kind=data["kind"],
            failure=data["failure"],
            message=data["message"],
            exit_code=data["exit_code"],
            stdout=data["stdout"],
            stderr=data["stderr"],
            exchanges=[Exchange.from_json(item) for item in data["exchanges"]],
            origin_requests=[RecordedRequest.from_json(item) for item in data["origin_requests"]],
            seconds=data.get("seconds", 0.0),
            skipped=data.get("skipped"),
            endpoints=[(placeholder, text) for placeholder, text in data.get("endpoints", [])],
        )
