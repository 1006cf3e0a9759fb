"""Strategies for the parts of HTTP messages every generator varies: field names, values, bodies.

Each starts with the simplest choice, so that shrinking moves toward plain, short, common
things; the odd ones (every byte from 0x00 to 0xFF, empty and long values, names that are not
tokens, names in every case) come with lower weight.
"""

from __future__ import annotations

import functools
import itertools
import string
from typing import Any

from hypothesis import strategies as st

from portcheck.fuzz.seeds import Seeds

# Names with a meaning of their own: repeated ones that must not be combined, list fields,
# hop-by-hop and framing fields engines may forbid, and the ones they add themselves.
COMMON_NAMES = (
    "x-fuzz",
    "set-cookie",
    "content-type",
    "x-list",
    "vary",
    "cache-control",
    "link",
    "www-authenticate",
    "cookie",
    "location",
    "content-length",
    "transfer-encoding",
    "connection",
    "keep-alive",
    "te",
    "trailer",
    "upgrade",
    "proxy-connection",
    "proxy-authorization",
    "host",
    "date",
    "server",
    "expect",
    "content-encoding",
    "http2-settings",
    "via",
)
COMMON_VALUES = (b"1", b"a=1; Path=/", b"text/plain", b"no-cache", b"gzip", b"close", b"chunked", b"a, b")
TOKEN = string.ascii_lowercase + string.digits + "-"
VISIBLE = bytes(range(0x21, 0x7F))
OBS_TEXT = bytes(range(0x80, 0x100))
CONTROLS = bytes([*range(0x00, 0x09), *range(0x0B, 0x0D), *range(0x0E, 0x20), 0x7F])  # no CR, LF
LONG_SIZES = (1000, 8200, 17000, 70000)


def weighted(*options: tuple[int, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """One of the strategies, each as often as its weight says; shrinking moves to the first.

    Built once: drawing picks among strategies made beforehand (a strategy made while drawing,
    as flatmap does, costs Hypothesis more than the draw itself).
    """
    total = sum(weight for weight, _ in options)
    index = st.integers(0, total - 1)
    limits = list(itertools.accumulate(weight for weight, _ in options))
    strategies = [strategy for _, strategy in options]

    @st.composite
    def pick(draw: st.DrawFn) -> Any:
        number = draw(index)
        return draw(strategies[next(i for i, limit in enumerate(limits) if number < limit)])

    return pick()


def spellings(name: str) -> tuple[str, ...]:
    """A name as given, and in other cases: Title-Case, UPPER, mixed."""
    return (
        name,
        "-".join(part.capitalize() for part in name.split("-")),
        name.upper(),
        "".join(c.upper() if i % 2 else c for i, c in enumerate(name)),
    )


ODD_NAMES = ("x fuzz", "x-café", "x-fuzz ", "", "x\tfuzz", "x(fuzz)", "x/fuzz", "x\x7ffuzz")
LARGE_BODIES = {size: bytes(i % 251 for i in range(size)) for size in (4096, 65536, 70001)}
LONG_VALUES = {size: b"L" * size for size in LONG_SIZES}


def mapped(alphabet: bytes, prefix: bytes = b"") -> Any:
    return lambda data: prefix + bytes(alphabet[b % len(alphabet)] for b in data)


class Vocabulary:
    """The strategies for one set of seeds, each made once."""

    def __init__(self, seeds: Seeds) -> None:
        self.seeds = seeds

    @functools.cached_property
    def names(self) -> st.SearchStrategy[str]:
        known = COMMON_NAMES + tuple(name.lower() for name in self.seeds.header_names)
        spelled = st.tuples(st.sampled_from(known), st.integers(0, 3)).map(
            lambda pair: spellings(pair[0])[pair[1]]
        )
        random = st.text(alphabet=TOKEN, min_size=1, max_size=10).map(lambda text: f"x-{text}")
        return weighted((55, spelled), (35, random), (10, st.sampled_from(ODD_NAMES)))

    @functools.cached_property
    def values(self) -> st.SearchStrategy[bytes]:
        edges = st.tuples(
            st.sampled_from((b" ", b"\t", b"  ")), st.sampled_from(COMMON_VALUES), st.booleans()
        )
        return weighted(
            (45, st.sampled_from(COMMON_VALUES + self.seeds.header_values)),
            (25, st.binary(min_size=1, max_size=12).map(mapped(VISIBLE))),
            (5, st.just(b"")),
            (6, edges.map(lambda parts: parts[0] + parts[1] if parts[2] else parts[1] + parts[0])),
            (8, st.binary(min_size=1, max_size=6).map(mapped(OBS_TEXT, b"v"))),
            (5, st.binary(min_size=1, max_size=4).map(mapped(CONTROLS, b"v"))),
            (4, st.binary(min_size=1, max_size=8)),  # every byte, CR and LF included
            (2, st.sampled_from(LONG_SIZES).map(LONG_VALUES.__getitem__)),
        )

    @functools.cache  # noqa: B019 (one Vocabulary per run: nothing to leak)
    def lines(self, slots: int = 6) -> st.SearchStrategy[tuple[tuple[str, bytes], ...]]:
        """A header (or trailer) section: lines in order, names may repeat.

        Drawn as a fixed number of slots, each empty or holding a line (or a run of lines of one
        name), rather than as a list: the shrinker empties any slot on its own, where deleting a
        list's first elements is what it sometimes fails to do.
        """
        line = st.tuples(self.names, self.values).map(lambda pair: [pair])
        repeated = st.tuples(self.names, st.lists(self.values, min_size=2, max_size=4)).map(
            lambda pair: [(pair[0], value) for value in pair[1]]
        )
        slot = weighted((60, st.just([])), (28, line), (12, repeated))
        return st.tuples(*[slot] * slots).map(lambda found: tuple(pair for group in found for pair in group))

    @functools.cached_property
    def bodies(self) -> st.SearchStrategy[bytes]:
        return weighted(
            (30, st.just(b"")),
            (35, st.sampled_from((b"hello", b"ok\n", *self.seeds.bodies))),
            (30, st.binary(min_size=1, max_size=64)),
            (5, st.sampled_from(tuple(LARGE_BODIES)).map(LARGE_BODIES.__getitem__)),
        )

    @functools.cached_property
    def cuts(self) -> st.SearchStrategy[tuple[int, ...]]:
        """Where a body is cut into chunks, as fractions of its length in thousandths (none: one chunk)."""
        return weighted((70, st.just(())), (30, st.lists(st.integers(1, 999), max_size=4).map(tuple)))


def chunk_sizes(length: int, cuts: tuple[int, ...]) -> tuple[int, ...]:
    """The chunk sizes of a body of `length` bytes cut at `cuts` (thousandths); they add up to it."""
    points = sorted({0, length, *(length * c // 1000 for c in cuts)})
    return tuple(b - a for a, b in itertools.pairwise(points) if b > a)
