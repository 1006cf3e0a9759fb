"""Step-by-step probes of resource lifetimes: say each step before it runs, then what it returned.

Every line goes to stdout at once (flushed before each step, so a trap keeps the lines before
it) and into `LINES`, which a server probe sends back as its response body when it gets that far.

Every resource a probe holds is kept in `KEPT` until the process ends: Python's garbage
collector would otherwise drop handles at times and in an order the probe did not choose, which
is exactly what these probes must control.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Callable
from typing import Any

from componentize_py_types import Err
from wasihttp import failure_name, text
from wit_world.imports import streams

KEPT: list[Any] = []
LINES: list[str] = []


def keep(*resources: Any) -> Any:
    """Hold the resources until the process ends; gives back the first."""
    KEPT.extend(resources)
    return resources[0] if resources else None


def say(line: str) -> None:
    LINES.append(line)
    print(line)
    sys.stdout.flush()
    sys.stderr.flush()


def attempt(what: str, action: Callable[[], Any]) -> Any:
    """Announce a step, run it, then say `ok` (with what it gave, when that is plain data) or the
    error it returned; a trap ends the process after the announcement."""
    say(what)
    try:
        value = action()
    except Err as error:
        say(f"  -> error: {failure_name(error.value)}")
        return None
    plain = isinstance(value, str | int | list)
    say(f"  -> ok: {value}" if plain else "  -> ok")
    return value


def dropping(resource: Any) -> Callable[[], None]:
    """The step that drops `resource` (its resource.drop)."""
    return lambda: resource.__exit__(None, None, None)


def stale_copy(resource: Any) -> Any:
    """A second binding object holding the same handle index as `resource`.

    componentize-py forgets a handle once it is moved (passed as `own`) and refuses to use it
    again in Python, so the engine never sees the call. A copy made before the move reaches the
    engine with the dead index, as a compiler's faulty lowering would: the component model's
    handle table decides what happens.
    """
    copy = object.__new__(type(resource))
    copy.handle = resource.handle
    copy.finalizer = weakref.finalize(copy, _never)  # the bindings detach it when the handle moves
    return keep(copy)


def _never() -> None:
    """The copy's finalizer: it owns nothing, so dropping it must not drop the handle."""


def drain(stream: streams.InputStream) -> str:
    """Read until the stream ends: the bytes and how it ended."""
    data = bytearray()
    while True:
        try:
            data += stream.blocking_read(65536)
        except Err as error:
            ending = failure_name(error.value).removeprefix("stream-error.")
            return f"{text(bytes(data))!r} ({ending})"
