"""Field paths: the one way every stage names a part of an observation.

    stdout   stderr   exit_code   failure
    responses.count                          origin.requests.count
    responses[0]                             origin.requests[1]          (a whole item)
    responses[0].status                      origin.requests[1].method
    responses[0].headers[set-cookie]         origin.requests[1].trailers[x-sum]
    responses[*].status                      origin.requests[*].headers[host]   (every item)

Differences, expectations, `[[known]]` entries, `portcheck show` and every report use these
names, built and read only here. `[*]` (every item) is for what a person writes: an expectation
checks it on each item, a `[[known]]` entry covers each item; the diff never produces it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from portcheck.model.observation import Exchange, Header, Observation, RecordedRequest

RESPONSES = "responses"
ORIGIN_REQUESTS = "origin.requests"
TOP_FIELDS = ("stdout", "stderr", "exit_code", "failure")
ITEM_FIELDS = {
    RESPONSES: (
        "status",
        "reason",
        "body",
        "framing",
        "failure",
        "alive_after",
        "headers",
        "trailers",
        "extra",
    ),
    ORIGIN_REQUESTS: ("method", "target", "body", "framing", "headers", "trailers"),
}
NAMED_FIELDS = ("headers", "trailers")  # the attributes that take a [name]
GRAMMAR = re.compile(
    r"^(?P<top>stdout|stderr|exit_code|failure)$"
    r"|^(?P<group>responses|origin\.requests)\.count$"
    r"|^(?P<item>responses|origin\.requests)\[(?P<index>\d+|\*)\]"
    r"(?:\.(?P<attr>[a-z_]+)(?:\[(?P<name>[^\]]+)\])?)?$"
)
MISSING = "(not observed)"  # the value of a field the observation does not have
EVERY = "*"  # the index that stands for every item of a group


@dataclass(frozen=True)
class FieldPath:
    top: str | None = None  # stdout, stderr, exit_code, failure
    group: str | None = None  # responses or origin.requests: set for a count, an item or its parts
    index: int | None = None  # None: the group's count (or, with `every`, each item)
    attr: str | None = None  # None: the whole item
    name: str | None = None  # a header or trailer name
    every: bool = False  # [*]: the same field of every item


# --- building ---------------------------------------------------------------------------------


def count(group: str) -> str:
    return f"{group}.count"


def item(group: str, index: int) -> str:
    return f"{group}[{index}]"


def attribute(item_path: str, attr: str) -> str:
    return f"{item_path}.{attr}"


def named(fields_path: str, name: str) -> str:
    """The lines of one header (or trailer) name: `responses[0].headers` + `host`."""
    return f"{fields_path}[{name}]"


# --- reading ----------------------------------------------------------------------------------


def parse(path: str) -> FieldPath:
    """The parts of a path; ValueError (saying what is wrong) if it names no field."""
    if (problem := problem_with(path, whole_items=True)) is not None:
        raise ValueError(problem)
    found = GRAMMAR.match(path)
    assert found is not None
    if found["top"]:
        return FieldPath(top=found["top"])
    if found["group"]:
        return FieldPath(group=found["group"])
    every = found["index"] == EVERY
    index = None if every else int(found["index"])
    return FieldPath(group=found["item"], index=index, attr=found["attr"], name=found["name"], every=every)


def is_every(path: str) -> bool:
    """Whether `path` names a field of every item (`responses[*].status`)."""
    return parse(path).every


def problem_with(path: str, whole_items: bool = False) -> str | None:
    """None if `path` names a field (or, with `whole_items`, a whole item); else what is wrong."""
    found = GRAMMAR.match(path)
    if found is None or (found["item"] and found["attr"] is None and not whole_items):
        return "expected a field such as stdout, responses[0].status or origin.requests[0].headers[host]"
    if found["item"] and found["attr"] and found["attr"] not in (known := ITEM_FIELDS[found["item"]]):
        return f"{found['item']}[N] has no field {found['attr']!r} (one of: {', '.join(known)})"
    if found["name"] and found["attr"] not in NAMED_FIELDS:
        return f"only headers and trailers take a [name], not {found['attr']}"
    return None


def covers(outer: str, inner: str) -> bool:
    """Whether `inner` is `outer` or a part of it: responses[0] covers responses[0].headers[a], and
    responses[*].status covers responses[2].status."""
    if f"[{EVERY}]" in outer:
        pattern = re.escape(outer).replace(re.escape(f"[{EVERY}]"), r"\[(?:\d+|\*)\]")
        return re.fullmatch(pattern + r"(?:[.\[].*)?", inner) is not None
    return inner == outer or inner.startswith((outer + ".", outer + "["))


def related(first: str, second: str) -> bool:
    """Whether one of the two paths covers the other."""
    return covers(first, second) or covers(second, first)


# --- values -----------------------------------------------------------------------------------


def header_lines(lines: list[Header] | None, name: str | None) -> Any:
    if lines is None:
        return MISSING if name is None else []
    if name is None:
        return [[key, value] for key, value in lines]
    return [value for key, value in lines if key.lower() == name.lower()]


def item_value(entry: Exchange | RecordedRequest, attr: str, name: str | None) -> Any:
    if attr in NAMED_FIELDS:
        return header_lines(getattr(entry, attr), name)
    value = getattr(entry, attr)
    if attr in ("body", "extra"):
        return None if value is None else value.decode("utf-8", "surrogateescape")
    return value


def items(observation: Observation, group: str) -> list[Any]:
    return observation.exchanges if group == RESPONSES else observation.origin_requests


def value_at(observation: Observation, path: str) -> Any:
    """The value a path names in an observation: what expectations check.

    For a path with [*], the list of that field's values, one per item (empty if there are none).
    """
    where = parse(path)
    if where.top:
        return getattr(observation, where.top)
    assert where.group is not None
    found = items(observation, where.group)
    if where.every:
        return [
            entry.to_json() if where.attr is None else item_value(entry, where.attr, where.name)
            for entry in found
        ]
    if where.index is None:
        return len(found)
    if where.index >= len(found):
        return MISSING
    if where.attr is None:
        return found[where.index].to_json()
    return item_value(found[where.index], where.attr, where.name)
