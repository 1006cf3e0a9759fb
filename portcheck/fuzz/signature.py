"""A divergence's signature: which fields differ and how, with values and indices abstracted.

The judge names each difference by its field path (responses[0].headers[set-cookie]) with both
values; here each becomes an `Element`: a signature such as
`responses[*].headers[set-cookie]: only the last kept`, and the concrete path it came from (for
`[[known]]` entries). A guest's printed record (a client's stdout, the echo guest's body) is read
back line by line (records.py), so that one case can show several findings, each its own bucket.
Consequences are folded into their cause: an error instead of a response hides everything after
it; a server that died is part of the exchange that killed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from portcheck.fuzz import records
from portcheck.fuzz.change import (
    bytes_change,
    class_for,
    lines_change,
    name_class,
    outline_class,
    status_change,
)
from portcheck.judge.normalize import by_name
from portcheck.model import fields
from portcheck.model.observation import Observation, encode_header
from portcheck.model.report import Difference

Refine = Callable[[str, str, str], list[str] | None]  # (where, baseline text, engine text) -> signatures


@dataclass(frozen=True)
class Element:
    signature: str
    field: str  # the concrete field path the judge named


def text(value: Any) -> str:
    return "" if value is None else str(value)


def as_lines(value: Any) -> list[bytes]:
    return [encode_header(str(item)) for item in value] if isinstance(value, list) else []


def entry_groups(entries: list[tuple[str, bytes]]) -> dict[str, list[bytes]]:
    grouped: dict[str, list[bytes]] = {}
    for name, value in entries:
        grouped.setdefault(name.lower(), []).append(value)
    return grouped


def compare_entries(base: list[tuple[str, bytes]], engine: list[tuple[str, bytes]], where: str) -> list[str]:
    ours, theirs = entry_groups(base), entry_groups(engine)
    found = [
        named_change(f"{where}entries", name, ours.get(name, []), theirs.get(name, []))
        for name in dict.fromkeys([*ours, *theirs])
        if ours.get(name, []) != theirs.get(name, [])
    ]
    if found:
        return found
    if [name.lower() for name, _ in base] != [name.lower() for name, _ in engine]:
        return [f"{where}entries: names in another order"]
    if [name for name, _ in base] != [name for name, _ in engine]:
        return [f"{where}entries: names in another case"]
    return []


def named_change(where: str, name: str, base: list[bytes], engine: list[bytes]) -> str:
    change = lines_change(base, engine)
    return f"{where}[{class_for(name, change)}]: {change}"


def compare_records(base: records.Record, engine: records.Record, where: str) -> list[str]:
    if base.outcome != engine.outcome:
        return [f"{where}outcome: {base.outcome} vs {engine.outcome}"]  # the rest follows from it
    found = compare_entries(base.entries, engine.entries, where)
    entry_changes = {item.split("]: ", 1)[1] for item in found if "entries[" in item}
    for name in dict.fromkeys([*base.gets, *engine.gets]):
        ours, theirs = base.gets.get(name, []), engine.gets.get(name, [])
        if ours != theirs and lines_change(ours, theirs) not in entry_changes:
            found.append(named_change(f"{where}get", name, ours, theirs))
    for key in dict.fromkeys([*base.scalars, *engine.scalars]):
        ours, theirs = base.scalars.get(key), engine.scalars.get(key)
        if key == ("trailers", None) and body_ending(base) != body_ending(engine):
            continue  # trailers come after a body that ended well: its other ending explains them
        if ours != theirs:
            found.append(scalar_change(where, key, ours, theirs))
    if base.other != engine.other:
        found.append(f"{where}lines: differ")
    return found


def scalar_change(where: str, key: tuple[str, str | None], base: str | None, engine: str | None) -> str:
    label = key[0] if key[1] is None else f"{key[0]}[{coarse_class(key[1])}]"
    if key[0] == "status":
        return f"{where}status: {status_change(base, engine)}"
    if key[0] == "body" and base is not None and engine is not None:
        (data, ending), (theirs, their_ending) = split_body(base), split_body(engine)
        if ending != their_ending:
            ours, theirs_ = records.without_payload(ending), records.without_payload(their_ending)
            return f"{where}body end: {ours} vs {theirs_}"
        return f"{where}body: {bytes_change(encode_header(data), encode_header(theirs))}"
    if key[0] == "trailers":
        return f"{where}trailers: {trailers_kind(base)} vs {trailers_kind(engine)}"
    if base is None or engine is None:
        side = "only on the engine" if base is None else "only on the baseline"
        shown = enumerated(engine or base or "")
        return f"{where}{label}: {side}" + (f": {shown}" if shown else "")
    ours, theirs = enumerated(base), enumerated(engine)
    if ours and theirs and ours != theirs:
        return f"{where}{label}: {ours} vs {theirs}"
    return f"{where}{label}: {text_change(base, engine)}"


WIT_NAME = re.compile(r"^(?:other|[a-z]+(?:[.-][a-z0-9]+)*)$")


def enumerated(value: str) -> str:
    """A value from a small set of names (an error variant, a method, a scheme), payload left out;
    empty for any other value (a path, a host, bytes), which a signature must not hold."""
    name = records.without_payload(value)
    return name if WIT_NAME.match(name) or (name.isupper() and name.isalpha()) else ""


def text_change(base: str, engine: str) -> str:
    """How one printed value changed, the values left out (they may be reprs of str or bytes)."""
    ours, theirs = records.literal(base), records.literal(engine)
    if ours is None or theirs is None:
        return f"{'none' if ours is None else 'a value'} vs {'none' if theirs is None else 'a value'}"
    ours_bytes, theirs_bytes = records.as_bytes(ours), records.as_bytes(theirs)
    if b"://" in theirs_bytes and b"://" not in ours_bytes and theirs_bytes.endswith(ours_bytes):
        return "absolute-form target kept whole"
    return bytes_change(ours_bytes, theirs_bytes)


def coarse_class(name: str) -> str:
    """Singleton and list fields alike: what an API call gives depends on hop-by-hop or odd names."""
    found = name_class(name)
    return "<field>" if found in ("<singleton field>", "<list field>") else found


def body_ending(record: records.Record) -> str:
    return split_body(record.scalars.get(("body", None), ""))[1]


def split_body(line: str) -> tuple[str, str]:
    data, _, ending = line.rpartition(" (")
    return (data, ending.removesuffix(")")) if data else (line, "")


def trailers_kind(value: str | None) -> str:
    if value is None:
        return "not shown"
    if value.startswith("["):
        return "[]" if value == "[]" else "lines"
    return records.without_payload(value)


def refine_text(where: str, base: str, engine: str) -> list[str]:
    """A printed text: read as a record when the generic guests printed it (on one side only: the
    engine answered in its own words, say a 400 of its own, and that is the one finding)."""
    ours, theirs = records.looks_like_record(base), records.looks_like_record(engine)
    if ours and theirs:
        return compare_records(records.parse(base), records.parse(engine), where + ".")
    if ours or theirs:
        return [f"{where}: the guest's record only on the {'baseline' if ours else 'engine'}"]
    return [f"{where}: {bytes_change(encode_header(base), encode_header(engine))}"]


def elements(
    differences: list[Difference], base: Observation, engine: Observation, refine: Refine | None = None
) -> list[Element]:
    """Every signature the differences of one engine (against the baseline) show.

    `base` and `engine` are the observations as compared (placeholders in); `refine` reads a
    generator's own printed format (the api-sequences transcript), None for the generic records.
    """
    found: list[Element] = []
    named = {difference.field for difference in differences}
    refine = refine or refine_text
    for difference in differences:
        if not consequence(difference.field, named):
            for signature in describe(difference, named, base, engine, refine):
                found.append(Element(signature, difference.field))
    return list(dict.fromkeys(found))


def consequence(field: str, named: set[str]) -> bool:
    """Whether a difference follows from another one of the same exchange: a response with
    another status (or none at all) also has other headers and another body."""
    where = fields.parse(field)
    if where.group is None or where.index is None or where.attr in (None, "status", "alive_after"):
        return False
    item = fields.item(where.group, where.index)
    return item in named or fields.attribute(item, "status") in named


def describe(
    difference: Difference, named: set[str], base: Observation, engine: Observation, refine: Refine
) -> list[str]:
    where = fields.parse(difference.field)
    ours, theirs = difference.baseline, difference.engine
    if where.top == "failure":
        said = message_class(engine.message if theirs else base.message)
        return [f"failure: {ours or 'none'} vs {theirs or 'none'}{f' ({said})' if said else ''}"]
    if where.top == "exit_code":  # how an engine exits after a trap or crash is its own business
        return (
            []
            if "failure" in named or (base.failure and engine.failure)
            else [f"exit_code: {ours} vs {theirs}"]
        )
    if where.top == "stdout":  # a crash or trap explains an output cut short
        return [] if "failure" in named else refine("stdout", text(ours), text(theirs))
    if where.top is not None:
        return []
    group = "responses" if where.group == fields.RESPONSES else "origin.requests"
    if where.index is None:
        return [f"{group}.count: {'fewer' if theirs < ours else 'more'}"]
    return item_change(group, where, difference, named, refine)


def item_change(
    group: str, where: fields.FieldPath, difference: Difference, named: set[str], refine: Refine
) -> list[str]:
    ours, theirs = difference.baseline, difference.engine
    item = fields.item(where.group or "", where.index or 0)
    alive = fields.attribute(item, "alive_after")
    if where.attr is None:
        died = f", {'the server died' if theirs != ours and alive in named else ''}".rstrip(", ")
        return [f"{group}[*]: {outline_class(ours)} vs {outline_class(theirs)}{died}"]
    if where.attr == "alive_after":
        return (
            [] if item in named else [f"{group}[*]: the server {'died' if ours else 'lived'} after answering"]
        )
    if where.attr in fields.NAMED_FIELDS:
        return [named_change(f"{group}[*].{where.attr}", where.name or "", as_lines(ours), as_lines(theirs))]
    if where.attr == "status":
        return [f"{group}[*].status: {status_change(ours, theirs)}"]
    if where.attr == "body" and ours is not None and theirs is not None:
        return refine(f"{group}[*].body", text(ours), text(theirs))
    return [
        f"{group}[*].{where.attr}: {bytes_change(encode_header(text(ours)), encode_header(text(theirs)))}"
    ]


def message_class(message: str | None) -> str:
    """An engine's error message, kept to what names the kind of failure (numbers and ports gone)."""
    line = next((part.strip() for part in (message or "").splitlines() if part.strip()), "")
    return re.sub(r"\d+", "N", line)[:100]


def header_groups(lines: list[tuple[str, str]] | None) -> dict[str, list[str]]:
    return by_name(lines or [])
