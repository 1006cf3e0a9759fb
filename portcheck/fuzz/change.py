"""How two observed values differ, in words that stay the same when the values change.

A bucket's signature is built from these: `joined with b','` is the same finding for Set-Cookie
lines a=1, b=2 and for x, y, z; the name of a generated header (x-q7) becomes its class (x-*),
a status its class (2xx), so near-identical divergences share one bucket.
"""

from __future__ import annotations

import re

TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
SEPARATORS = (b", ", b",", b"; ", b";", b" ")
# Fields RFC 9110 defines with a single value (repeating one is an error a recipient may handle
# either way), and the hop-by-hop ones (RFC 9110 7.6.1) with those an engine owns itself; any
# other field is taken as a list field, whose lines a recipient may combine with commas (5.3).
SINGLETON_FIELDS = frozenset(
    (
        "content-type", "content-length", "location", "server", "date", "authorization", "etag",
        "last-modified", "age", "expires", "retry-after", "max-forwards", "from", "referer",
        "user-agent", "if-modified-since", "if-unmodified-since", "content-location", "content-range",
    )
)  # fmt: skip
HOP_BY_HOP_FIELDS = frozenset(
    (
        "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
        "http2-settings", "host", "proxy-authorization",
    )
)  # fmt: skip
# Header names whose findings are their own: never combined (RFC 6265 3), or a request's.
OWN_CLASS = frozenset({"set-cookie", "cookie"})


def name_class(name: str) -> str:
    """A field name as its bucket sees it: the class of field, so that one behaviour is one bucket."""
    lower = name.lower()
    if lower in OWN_CLASS:
        return lower
    if not name:
        return "<empty name>"
    if any(c in name for c in " \t"):
        return "<name with whitespace>"
    if not name.isascii():
        return "<non-ASCII name>"
    if not TOKEN.match(name):
        return "<name not a token>"
    if lower in HOP_BY_HOP_FIELDS:
        return "<hop-by-hop field>"
    if lower in SINGLETON_FIELDS:
        return "<singleton field>"
    return "<list field>"


def value_class(value: bytes) -> str:
    """What is odd about a value, if anything (the first that applies)."""
    if value == b"":
        return "empty"
    if b"\r" in value or b"\n" in value:
        return "CR or LF"
    if any((b < 0x20 and b != 0x09) or b == 0x7F for b in value):
        return "control bytes"
    if any(b >= 0x80 for b in value):
        return "obs-text"
    if value[:1] in (b" ", b"\t") or value[-1:] in (b" ", b"\t"):
        return "whitespace at an edge"
    if len(value) > 4096:
        return "long"
    return "plain"


def values_class(values: list[bytes]) -> str:
    odd = [value_class(value) for value in values if value_class(value) != "plain"]
    return odd[0] if odd else "plain"


def class_for(name: str, change: str) -> str:
    """The name's class as far as this kind of change can depend on it: which fields an engine
    hides or drops depends on the name (hop-by-hop ones, odd ones); how repeated lines come out
    only on whether the field is Set-Cookie, Cookie or any other; how a value is changed not at all."""
    if change.startswith("value") or change.startswith("lines in"):
        return "*"
    found = name_class(name)
    if change.startswith(("added", "missing")) or found in OWN_CLASS:
        return found
    return "<field>" if found in ("<hop-by-hop field>", "<singleton field>", "<list field>") else found


def odd(kind: str) -> str:
    return "" if kind == "plain" else f" ({kind})"


def lines_change(base: list[bytes], engine: list[bytes]) -> str:
    """How an engine's lines of one name differ from the baseline's."""
    if not base:
        return "added"
    if not engine:
        return "missing" + odd(values_class(base))
    if len(engine) == 1 and len(base) > 1:
        if engine[0] == base[-1]:
            return "only the last kept"
        if engine[0] == base[0]:
            return "only the first kept"
        for separator in SEPARATORS:
            # Joined as they came, or as text (obs-text re-encoded: a finding of its own elsewhere).
            if engine[0] in (separator.join(base), separator.join(reencoded(value) for value in base)):
                return f"joined with {separator!r}"
        if engine[0] == b"".join(base):
            return "joined"
    if len(base) == 1 and len(engine) > 1:
        return "split into lines"
    if len(base) != len(engine):
        return f"{'fewer' if len(engine) < len(base) else 'more'} lines"
    if sorted(base) == sorted(engine):
        return "lines in another order"
    first = next(index for index, (b, e) in enumerate(zip(base, engine, strict=True)) if b != e)
    return f"value {bytes_change(base[first], engine[first])}{odd(value_class(base[first]))}"


def reencoded(value: bytes) -> bytes:
    """The bytes as latin-1 text written as UTF-8: what an engine that decodes headers as text sends."""
    return value.decode("latin-1").encode("utf-8")


def bytes_change(base: bytes, engine: bytes) -> str:
    if not engine:
        return "emptied"
    if not base:
        return "appeared"
    if base.lower() == engine.lower():
        return "in another case"
    if base.strip() == engine.strip():
        return "with other whitespace"
    if engine == reencoded(base):
        return "re-encoded as UTF-8"
    if engine == base.decode("utf-8", "replace").encode("utf-8"):
        return "with invalid UTF-8 replaced"
    if base.startswith(engine):
        return "cut short"
    if engine.startswith(base):
        return "longer"
    if len(base) == len(engine):
        return "differs (same length)"
    return "differs"


def status_class(status: object) -> str:
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    if isinstance(status, int) and 100 <= status <= 599:
        return f"{status // 100}xx"
    return "none" if status is None else "out of range"


def status_change(base: object, engine: object) -> str:
    """Classes (2xx vs 4xx); the codes themselves when the class is the same (400 vs 431)."""
    ours, theirs = status_class(base), status_class(engine)
    return f"{base} vs {engine}" if ours == theirs else f"{ours} vs {theirs}"


def outline_class(outline: object) -> str:
    """'status 200' -> 'status', 'incomplete after status 200' -> 'incomplete'."""
    return str(outline).split(" ", 1)[0] if outline is not None else "none"
