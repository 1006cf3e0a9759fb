"""The origin server that client scenarios talk to: scripted answers, every request recorded.

It adds nothing of its own beyond framing (no Date, no Server), so a component that prints
every header it sees stays deterministic. Besides answering, a scripted response can misbehave
(`action`): reset the connection, close it, stall (until the client gives up, never for a fixed
time), or do either in the middle of the body or after all of it. A `raw` response is sent as
the exact bytes given (a malformed status line, bare bytes in a field, a wrong length). A
`handshake` response is held until the request driver confirms it has received what a served
guest sent (`confirm`): the guest waits on it instead of sleeping.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading

from portcheck.harness.http1 import (
    Incomplete,
    Reader,
    chunked,
    header_values,
    read_body,
    read_head,
    reason_phrase,
    serialize_head,
)
from portcheck.model.observation import Header, RecordedRequest
from portcheck.model.scenario import Origin, OriginResponse

HOST = "127.0.0.1"
IO_TIMEOUT = 60.0  # a connection idle this long is dropped; scenario timeouts are shorter


def has_no_body(response: OriginResponse, method: str) -> bool:
    return method == "HEAD" or response.status in (204, 304) or response.status < 200


def response_head(response: OriginResponse, method: str) -> bytes:
    headers: list[Header] = list(response.headers)
    framed = header_values(headers, "content-length") or header_values(headers, "transfer-encoding")
    if not framed and not has_no_body(response, method):
        if response.trailers is not None:
            headers.append(("Transfer-Encoding", "chunked"))
        else:
            headers.append(("Content-Length", str(len(response.body))))
    start = f"HTTP/1.1 {response.status} {reason_phrase(response.status)}"
    return serialize_head(start, headers, response.header_encoding)


def response_body(response: OriginResponse, method: str) -> bytes:
    if has_no_body(response, method):
        return b""
    if response.trailers is not None:
        return chunked(response.body, response.trailers, response.header_encoding)
    return response.body


def wait_for_close(connection: socket.socket) -> None:
    """Stall: hold the connection, reading and dropping, until the client gives up on it."""
    with contextlib.suppress(OSError):
        while connection.recv(65536):
            pass


def until_client_acts(connection: socket.socket) -> None:
    """Hold the connection until the client closes it or sends anything more: a client that writes
    again (its next request, on a connection it thinks reusable) has read all that was sent."""
    with contextlib.suppress(OSError):
        connection.recv(65536)


def close_after(connection: socket.socket) -> None:
    """An orderly close once everything sent is out: FIN, then hold until the client acts (closing
    at once would reset a connection with bytes still unread, and could lose what was sent)."""
    connection.shutdown(socket.SHUT_WR)
    until_client_acts(connection)


def reset(connection: socket.socket) -> None:
    """Close with a TCP reset rather than an orderly FIN."""
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.close()


class OriginServer:
    """Serves `origin.responses` in order (the last one repeats) on loopback, port 0."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin
        self.requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._confirmations = 0  # handshakes confirmed by the driver, not yet used by an answer
        family = socket.AF_INET6 if ":" in origin.host else socket.AF_INET
        self._listener = socket.socket(family, socket.SOCK_STREAM)
        self._connections: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._closed = False

    @property
    def authority(self) -> str:
        host = self.origin.host
        return f"{f'[{host}]' if ':' in host else host}:{self._listener.getsockname()[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.authority}"

    def __enter__(self) -> OriginServer:
        self._listener.bind((self.origin.host, 0))
        if self.origin.refuse:
            # Bound but never listening: the kernel answers every connection with a reset, and
            # the port stays ours for the whole run, so nobody else can start listening on it.
            return self
        if self.origin.blackhole:
            self._fill_backlog()
            return self
        self._listener.listen(64)
        self._spawn(self._accept_loop)
        return self

    def _fill_backlog(self) -> None:
        """Listen, never accept, and fill the accept queue: further SYNs are dropped, so a
        client's connect neither succeeds nor fails until its own timeout."""
        self._listener.listen(0)
        for _ in range(2):
            filler = socket.socket(self._listener.family, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(self._listener.getsockname())
            self._connections.append(filler)

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def confirm(self) -> None:
        """The driver has what the guest sent: one held `handshake` response may now be answered."""
        with self._changed:
            self._confirmations += 1
            self._changed.notify_all()

    def _await_confirmation(self) -> bool:
        """Hold until the driver confirms (False if the origin closes first)."""
        with self._changed:
            self._changed.wait_for(lambda: self._confirmations > 0 or self._closed)
            if self._closed:
                return False
            self._confirmations -= 1
            return True

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._changed.notify_all()
            connections = list(self._connections)
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
            connection.close()
        for thread in self._threads:
            thread.join(timeout=5)

    def recorded(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self.requests)

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        self._threads.append(thread)
        thread.start()

    def _accept_loop(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                if self._closed:
                    connection.close()
                    return
                self._connections.append(connection)
            self._spawn(self._serve, connection)

    def _next_response(self, request: RecordedRequest) -> OriginResponse:
        with self._lock:
            self.requests.append(request)
            index = min(len(self.requests), len(self.origin.responses)) - 1
        return self.origin.responses[index]

    def _serve(self, connection: socket.socket) -> None:
        # The origin may close the connection (it is stopping) before this thread starts.
        with contextlib.suppress(OSError, Incomplete, ValueError), connection:
            connection.settimeout(IO_TIMEOUT)
            reader = Reader(connection)
            while True:
                start, headers = read_head(reader)
                method, target = [*start.split(" "), "", ""][:2]
                if any(v.lower() == "100-continue" for v in header_values(headers, "expect")):
                    connection.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                body, framing, trailers = read_body(reader, headers, until_close=False)
                request = RecordedRequest(method, target, headers, body, framing, trailers)
                response = self._next_response(request)
                if not self._answer(connection, response, method):
                    return
                closing = header_values(headers, "connection") + header_values(
                    list(response.headers), "connection"
                )
                if any(value.lower() == "close" for value in closing):
                    return

    def _answer(self, connection: socket.socket, response: OriginResponse, method: str) -> bool:
        """Carry out the response's action; False when the connection is finished with."""
        if response.raw is not None:
            head, body = response.raw, b""
        else:
            head, body = response_head(response, method), response_body(response, method)
        match response.action:
            case "respond":
                connection.sendall(head + body)
                return True
            case "respond-close":
                connection.sendall(head + body)
                close_after(connection)
            case "respond-reset":
                connection.sendall(head + body)
                reset(connection)
            case "respond-stall":
                connection.sendall(head + body)
                until_client_acts(connection)
            case "reset":
                reset(connection)
            case "close":
                connection.shutdown(socket.SHUT_RDWR)
            case "close-mid-body":
                connection.sendall(head + body[: len(body) // 2])
                connection.shutdown(socket.SHUT_RDWR)
            case "stall":
                wait_for_close(connection)
            case "stall-mid-body":
                connection.sendall(head + body[: len(body) // 2])
                wait_for_close(connection)
            case "handshake":
                if self._await_confirmation():
                    connection.sendall(head + body)
                    return True
        return False
