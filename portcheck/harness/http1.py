"""Just enough HTTP/1.1 to see what crosses the wire: header order, case and repeats kept as sent.

Python's http.server and http.client fold, reorder or add headers; the fixtures need the raw
field lines, so they read and write messages themselves with these helpers.
"""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterable
from http import HTTPStatus

from portcheck.model.observation import Framing, Header, decode_header, encode_header

MAX_LINE = 65536
MAX_HEADERS = 1000


class Incomplete(Exception):
    """The peer closed the connection before the message ended."""

    def __init__(self, partial: bytes = b"") -> None:
        super().__init__("connection closed before the message ended")
        self.partial = partial


class Reader:
    """Buffered reads from a socket: lines, exact lengths, or everything until close.

    `on_body`, when set, is called once as soon as the first byte of a body is here (or the peer
    closed first): a handshake, so that a server guest goes on only once its bytes were received.
    """

    def __init__(self, sock: socket.socket, on_body: Callable[[], None] | None = None) -> None:
        self.sock = sock
        self.buffer = bytearray()
        self.received_any = False
        self.on_body = on_body

    def body_arriving(self) -> None:
        """The body's bytes come next: wait for the first one (or the close), then call `on_body`."""
        if self.on_body is not None:
            while not self.buffer and self.fill():
                pass
            hook, self.on_body = self.on_body, None
            hook()

    def fill(self) -> bool:
        chunk = self.sock.recv(65536)
        if chunk:
            self.received_any = True
            self.buffer += chunk
        return bool(chunk)

    def line(self) -> bytes:
        while True:
            end = self.buffer.find(b"\n")
            if end >= 0:
                line = bytes(self.buffer[: end + 1])
                del self.buffer[: end + 1]
                return line.rstrip(b"\r\n")
            if len(self.buffer) > MAX_LINE:
                raise ValueError("line too long")
            if not self.fill():
                raise Incomplete(bytes(self.buffer))

    def exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self.fill():
                raise Incomplete(bytes(self.buffer))
        data = bytes(self.buffer[:size])
        del self.buffer[:size]
        return data

    def until_close(self) -> bytes:
        while self.fill():
            pass
        data = bytes(self.buffer)
        self.buffer.clear()
        return data


def read_head(reader: Reader) -> tuple[str, list[Header]]:
    """The start line and the field lines of a message, exactly as received."""
    start = reader.line()
    while not start:  # RFC 9112 2.2: ignore empty lines before a request line
        start = reader.line()
    return start.decode("latin-1"), read_fields(reader)


def header_values(headers: list[Header], name: str) -> list[str]:
    return [value for key, value in headers if key.lower() == name]


def framing_of(headers: list[Header]) -> Framing:
    if any("chunked" in value.lower() for value in header_values(headers, "transfer-encoding")):
        return "chunked"
    if header_values(headers, "content-length"):
        return "content-length"
    return "none"


def read_fields(reader: Reader) -> list[Header]:
    """Field lines up to the empty line, exactly as received."""
    fields: list[Header] = []
    while line := reader.line():
        if len(fields) >= MAX_HEADERS:
            raise ValueError("too many field lines")
        name, _, value = line.partition(b":")
        fields.append((decode_header(name), decode_header(value.strip(b" \t"))))
    return fields


def read_chunked(reader: Reader) -> tuple[bytes, list[Header]]:
    """A chunked body and its trailer section; cut short, Incomplete holds the content received."""
    body = bytearray()
    try:
        while True:
            size_line = reader.line()
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                return bytes(body), read_fields(reader)
            reader.body_arriving()
            try:
                body += reader.exactly(size)
            except Incomplete as cut:
                body += cut.partial  # the part of this chunk that arrived
                raise
            reader.line()
    except Incomplete:
        raise Incomplete(bytes(body)) from None


def read_body(
    reader: Reader, headers: list[Header], until_close: bool
) -> tuple[bytes, Framing, list[Header]]:
    """Read a body framed by chunked coding or Content-Length, or (responses only) by close."""
    framing = framing_of(headers)
    if framing == "chunked":
        body, trailers = read_chunked(reader)
        return body, framing, trailers
    if framing == "content-length":
        length = int(header_values(headers, "content-length")[0])
        if length:
            reader.body_arriving()
        return reader.exactly(length), framing, []
    if until_close:
        reader.body_arriving()
        return reader.until_close(), "close", []
    return b"", "none", []


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def encode_field(text: str, encoding: str) -> bytes:
    return encode_header(text) if encoding == "utf-8" else text.encode(encoding, "replace")


def serialize_fields(fields: Iterable[Header], encoding: str = "utf-8") -> bytes:
    return b"".join(
        encode_field(name, encoding) + b": " + encode_field(value, encoding) + b"\r\n"
        for name, value in fields
    )


def serialize_head(start_line: str, headers: Iterable[Header], encoding: str = "utf-8") -> bytes:
    return start_line.encode("latin-1") + b"\r\n" + serialize_fields(headers, encoding) + b"\r\n"


def chunked(body: bytes, trailers: Iterable[Header], encoding: str = "utf-8") -> bytes:
    """`body` as one chunk (if any), the last chunk, and a trailer section."""
    data = f"{len(body):x}\r\n".encode() + body + b"\r\n" if body else b""
    return data + b"0\r\n" + serialize_fields(trailers, encoding) + b"\r\n"
