"""The wasi:http calls the interpreter knows, each as a small function over the slot table.

An op returns what it gave, as text: `ok`, a value's repr, `#N` for a new resource (kept in slot
N, the op's own index), or `error: <WIT name>` for an error the call returned. Moving ops (a
constructor taking fields, `handle`, `finish`) mark their arguments moved; `drop` drops.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from componentize_py_types import Err, Ok
from show import failure, method, method_name, origin_authority, read_stream, scheme_name, wire
from wit_world.imports import monotonic_clock, outgoing_handler, poll, streams, types

WAIT_MS = 500  # the longest an op waits on a future or a stream (a request whose body never ends)
MILLISECOND = 1_000_000
SCHEMES = {"http": types.Scheme_Http, "https": types.Scheme_Https}
KINDS = {
    types.Fields: "fields",
    types.OutgoingRequest: "outgoing-request",
    types.OutgoingResponse: "outgoing-response",
    types.OutgoingBody: "outgoing-body",
    types.RequestOptions: "request-options",
    types.FutureIncomingResponse: "future-incoming-response",
    types.IncomingResponse: "incoming-response",
    types.IncomingBody: "incoming-body",
    types.FutureTrailers: "future-trailers",
    streams.OutputStream: "output-stream",
    streams.InputStream: "input-stream",
}


def _never() -> None:
    """A stale copy owns nothing: dropping it must not drop the handle."""


class Table:
    def __init__(self) -> None:
        self.slots: dict[int, Any] = {}
        self.gone: set[int] = set()  # dropped or moved: used through a stale copy
        self.kept: list[Any] = []  # stale copies, kept so that Python never drops them

    def put(self, index: int, resource: Any) -> str:
        self.slots[index] = resource
        return f"#{index} {KINDS.get(type(resource), type(resource).__name__)}"

    def get(self, arg: Any) -> Any:
        """The resource a slot argument names (a stale copy of it if it is gone); None if none."""
        if not isinstance(arg, dict):
            return None
        index = arg["slot"]
        resource = self.slots.get(index)
        if resource is None or index not in self.gone:
            return resource
        copy = object.__new__(type(resource))
        copy.handle = resource.handle
        copy.finalizer = weakref.finalize(copy, _never)
        self.kept.append(copy)
        return copy

    def take(self, arg: Any) -> Any:
        """The resource, which the call is about to move (or drop)."""
        resource = self.get(arg)
        if isinstance(arg, dict):
            self.gone.add(arg["slot"])
        return resource

    def clean_up(self) -> None:
        """Drop what is still held: streams, then unfinished bodies, then wait for every response
        (a request must not reach the origin after its case), then the rest, newest first."""
        alive = [(i, r) for i, r in sorted(self.slots.items(), reverse=True) if i not in self.gone]
        order = [streams.OutputStream, streams.InputStream, types.OutgoingBody]
        for kind in order:
            for index, resource in alive:
                if isinstance(resource, kind):
                    self.drop(index, resource)
        for index, resource in alive:
            if isinstance(resource, types.FutureIncomingResponse) and index not in self.gone:
                bounded_wait(resource)
        for index, resource in alive:
            if index not in self.gone:
                self.drop(index, resource)

    def drop(self, index: int, resource: Any) -> None:
        resource.__exit__(None, None, None)
        self.gone.add(index)


def bounded_wait(resource: Any) -> bool:
    """Block on the resource's pollable, at most WAIT_MS; whether it became ready."""
    pollable = resource.subscribe()
    timer = monotonic_clock.subscribe_duration(WAIT_MS * MILLISECOND)
    ready = poll.poll([pollable, timer])
    for item in (timer, pollable):
        item.__exit__(None, None, None)
    return 0 in ready


def result_of(action: Callable[[], Any]) -> str:
    try:
        value = action()
    except Err as error:
        return f"error: {failure(error.value)}"
    return "ok" if value is None else repr(value)


def fields_from_list(t: Table, i: int, pairs: list[list[str]]) -> str:
    try:
        return t.put(i, types.Fields.from_list([(name, wire(value)) for name, value in pairs]))
    except Err as error:
        return f"error: {failure(error.value)}"


def new_request(t: Table, i: int, headers: Any) -> str:
    fields = t.take(headers)
    return "no fields" if fields is None else t.put(i, types.OutgoingRequest(fields))


def new_response(t: Table, i: int, headers: Any) -> str:
    fields = t.take(headers)
    return "no fields" if fields is None else t.put(i, types.OutgoingResponse(fields))


def authority(value: str | None) -> str | None:
    return None if value is None else value.replace("{origin}", origin_authority())


def scheme(value: str | None) -> types.Scheme | None:
    if value is None:
        return None
    return SCHEMES[value]() if value in SCHEMES else types.Scheme_Other(value)


def read_request(request: types.OutgoingRequest) -> str:
    path, where = request.path_with_query(), request.authority()
    shown = where.replace(origin_authority(), "{origin}") if where else where
    return f"{method_name(request.method())} {scheme_name(request.scheme())} {shown!r} {path!r}"


def child(t: Table, i: int, arg: Any, make: Callable[[Any], Any]) -> str:
    parent = t.get(arg)
    if parent is None:
        return "no resource"
    try:
        return t.put(i, make(parent))
    except Err as error:
        return f"error: {failure(error.value)}"


def finish_body(t: Table, i: int, body: Any, trailers: Any) -> str:
    outgoing, extra = t.take(body), t.take(trailers)
    if outgoing is None:
        return "no resource"
    return result_of(lambda: types.OutgoingBody.finish(outgoing, extra))


def handle(t: Table, i: int, request: Any, options: Any) -> str:
    outgoing, chosen = t.take(request), t.take(options)
    if outgoing is None:
        return "no resource"
    try:
        return t.put(i, outgoing_handler.handle(outgoing, chosen))
    except Err as error:
        return f"error: {failure(error.value)}"


def ready(t: Table, future: Any) -> Any:
    """A future's result once it is ready (waiting at most WAIT_MS): its inner result, or the text
    saying why there is none."""
    found = t.get(future)
    if found is None:
        return "no resource"
    if not bounded_wait(found):
        return "not ready"
    result = found.get()
    if result is None:
        return "none"
    return "error: taken before" if isinstance(result, Err) else result.value


def wait_response(t: Table, i: int, future: Any) -> str:
    inner = ready(t, future)
    if isinstance(inner, str):
        return inner
    return t.put(i, inner.value) if isinstance(inner, Ok) else f"error: {failure(inner.value)}"


def wait_trailers(t: Table, i: int, future: Any) -> str:
    inner = ready(t, future)
    if isinstance(inner, str):
        return inner
    if isinstance(inner, Err):
        return f"error: {failure(inner.value)}"
    return "no trailers" if inner.value is None else t.put(i, inner.value)


def read(t: Table, i: int, stream: Any, size: int, blocking: bool) -> str:
    found = t.get(stream)
    if found is None:
        return "no resource"
    if blocking and not bounded_wait(found):
        return "not ready"
    return result_of(lambda: found.read(size))


def drain(t: Table, i: int, stream: Any) -> str:
    found = t.get(stream)
    if found is None:
        return "no resource"
    data, ending = read_stream(found)
    return f"{len(data)} bytes ({ending})"


def write(t: Table, i: int, stream: Any, data: str, blocking: bool) -> str:
    found = t.get(stream)
    if found is None:
        return "no resource"
    if blocking:
        return result_of(lambda: found.blocking_write_and_flush(wire(data)))
    return result_of(lambda: found.write(wire(data)))


def drop(t: Table, i: int, arg: Any) -> str:
    """Drop a resource. A future-incoming-response is dropped once it is ready (or WAIT_MS has
    passed): dropped before, whether its request reaches the origin is a race with its
    cancellation, on any engine."""
    resource = t.take(arg)
    if resource is None:
        return "no resource"
    if isinstance(resource, types.FutureIncomingResponse) and t.slots.get(arg["slot"]) is resource:
        bounded_wait(resource)  # the real, held future (a stale copy is dropped at once)
    resource.__exit__(None, None, None)
    return "ok"


def finish_incoming(t: Table, i: int, body: Any) -> str:
    found = t.take(body)
    return "no resource" if found is None else t.put(i, types.IncomingBody.finish(found))


def call(make: Callable[..., Any]) -> Callable[..., str]:
    """An op calling a method on its first argument's resource."""

    def op(t: Table, i: int, target: Any, *args: Any) -> str:
        found = t.get(target)
        return "no resource" if found is None else result_of(lambda: make(found, *args))

    return op


OPS: dict[str, Callable[..., str]] = {
    "fields.new": lambda t, i: t.put(i, types.Fields()),
    "fields.from-list": fields_from_list,
    "fields.append": call(lambda f, n, v: f.append(n, wire(v))),
    "fields.set": call(lambda f, n, vs: f.set(n, [wire(v) for v in vs])),
    "fields.delete": call(lambda f, n: f.delete(n)),
    "fields.get": call(lambda f, n: f.get(n)),
    "fields.has": call(lambda f, n: f.has(n)),
    "fields.entries": call(lambda f: f.entries()),
    "fields.clone": lambda t, i, f: child(t, i, f, lambda found: found.clone()),
    "outgoing-request.new": new_request,
    "outgoing-request.headers": lambda t, i, r: child(t, i, r, lambda found: found.headers()),
    "outgoing-request.set-method": call(lambda r, m: r.set_method(method(m))),
    "outgoing-request.set-path-with-query": call(lambda r, p: r.set_path_with_query(p)),
    "outgoing-request.set-scheme": call(lambda r, s: r.set_scheme(scheme(s))),
    "outgoing-request.set-authority": call(lambda r, a: r.set_authority(authority(a))),
    "outgoing-request.read": call(read_request),
    "outgoing-request.body": lambda t, i, r: child(t, i, r, lambda found: found.body()),
    "request-options.new": lambda t, i: t.put(i, types.RequestOptions()),
    "request-options.set-first-byte-timeout": call(
        lambda o, ms: o.set_first_byte_timeout(ms and ms * MILLISECOND)
    ),
    "request-options.set-between-bytes-timeout": call(
        lambda o, ms: o.set_between_bytes_timeout(ms and ms * MILLISECOND)
    ),
    "request-options.first-byte-timeout": call(lambda o: o.first_byte_timeout()),
    "outgoing-response.new": new_response,
    "outgoing-response.set-status-code": call(lambda s, n: s.set_status_code(n)),
    "outgoing-response.status-code": call(lambda s: s.status_code()),
    "outgoing-response.headers": lambda t, i, s: child(t, i, s, lambda found: found.headers()),
    "outgoing-response.body": lambda t, i, s: child(t, i, s, lambda found: found.body()),
    "outgoing-body.write": lambda t, i, b: child(t, i, b, lambda found: found.write()),
    "outgoing-body.finish": finish_body,
    "output-stream.check-write": call(lambda w: w.check_write()),
    "output-stream.write": lambda t, i, w, d: write(t, i, w, d, False),
    "output-stream.blocking-write-and-flush": lambda t, i, w, d: write(t, i, w, d, True),
    "output-stream.flush": call(lambda w: w.flush()),
    "outgoing-handler.handle": handle,
    "future-incoming-response.wait": wait_response,
    "incoming-response.status": call(lambda r: r.status()),
    "incoming-response.headers": lambda t, i, r: child(t, i, r, lambda found: found.headers()),
    "incoming-response.consume": lambda t, i, r: child(t, i, r, lambda found: found.consume()),
    "incoming-body.stream": lambda t, i, b: child(t, i, b, lambda found: found.stream()),
    "incoming-body.finish": finish_incoming,
    "input-stream.read": lambda t, i, s, n: read(t, i, s, n, False),
    "input-stream.blocking-read": lambda t, i, s, n: read(t, i, s, n, True),
    "input-stream.drain": drain,
    "future-trailers.wait": wait_trailers,
    "drop": drop,
}


def run(table: Table, index: int, name: str, args: list[Any]) -> str:
    """The op's result; a Python exception (the bindings refusing a moved handle, say) is the
    guest's own and said so, rather than ending the run as a trap on every engine alike."""
    try:
        return OPS[name](table, index, *args)
    except Exception as error:  # whatever the bindings raise, the sequence goes on
        return f"guest refused: {type(error).__name__}"
